import { writeFile } from 'node:fs/promises'
import { type AI, formatUsdAligned } from '@aimux/ai-core'
import { type Command, InvalidArgumentError, Option } from 'commander'
import { type ExportFormat, exportConversation } from '../conversation-export.js'
import { examples } from '../examples.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { note, print, printJson } from '../output.js'
import { table } from '../table.js'

interface Owner {
  user?: string
  tenant?: string
  project?: string
}

const positive = (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number above 0.')
  return n
}

export function registerConversations(program: Command): void {
  const conversations = program
    .command('conversations')
    .summary('list, show and export the stored conversations')
    .description('The stored conversations: list them, show one, export one as Markdown or JSON')
  examples(conversations, [
    ['aimux conversations list', 'the 20 latest'],
    ['aimux conversations show <id>', 'one, as Markdown'],
  ])

  const list = conversations
    .command('list')
    .summary('the latest conversations, with their cost')
    .description('The latest conversations first, with their message count and cost')
    .option('--user <id>', "only this user's")
    .option('--tenant <id>', "only this tenant's")
    .option('--project <id>', "only this project's")
    .option('-n, --limit <n>', 'how many (default 20)', positive)
    .option('--json', 'as JSON')
    .action(async (options: Owner & { limit?: number; json?: boolean }, cmd: Command) => {
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        const page = await ai.store.conversations.listConversations({
          ...(options.user ? { userId: options.user } : {}),
          ...(options.tenant ? { tenantId: options.tenant } : {}),
          ...(options.project ? { projectId: options.project } : {}),
          limit: options.limit ?? 20,
          order: 'newest',
        })
        if (options.json) return printJson(page.items)
        if (page.items.length === 0) return note('No conversations.')
        const costs = formatUsdAligned(page.items.map((c) => c.totalCostNanoUsd))
        const rows = page.items.map((c, i) => [
          c.id,
          c.updatedAt.toISOString().slice(0, 16).replace('T', ' '),
          String(c.messageCount),
          costs[i] ?? '',
          c.userId ?? '',
          c.model ?? '',
          c.title ?? '',
        ])
        print(
          table(
            [
              { header: 'ID' },
              { header: 'UPDATED (UTC)' },
              { header: 'MESSAGES', align: 'right' },
              { header: 'COST', align: 'right' },
              { header: 'USER' },
              { header: 'MODEL' },
              { header: 'TITLE' },
            ],
            rows,
          ),
        )
        if (page.nextCursor) note(`There are more: --limit ${(options.limit ?? 20) * 2}`)
      })
    })
  examples(list, [
    ['aimux conversations list', 'the 20 latest'],
    ['aimux conversations list --user u1 -n 50', "user u1's 50 latest"],
    ['aimux conversations list --json', 'as JSON'],
  ])

  const show = conversations
    .command('show')
    .summary('one conversation with its messages')
    .description('One conversation with its messages, each with its model and cost')
    .argument('<id>', 'the conversation')
    .option('--tenant <id>', 'the tenant it belongs to')
    .option('--json', 'as JSON')
    .action(async (id: string, options: { tenant?: string; json?: boolean }, cmd: Command) => {
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        process.stdout.write(await render(ai, id, options.tenant, options.json ? 'json' : 'md'))
      })
    })
  examples(show, [
    ['aimux conversations show 0192f3c4-...', 'as Markdown'],
    ['aimux conversations show 0192f3c4-... --json', 'as JSON'],
  ])

  const exportCommand = conversations
    .command('export')
    .summary('one conversation as Markdown or JSON')
    .description('One conversation as a Markdown or JSON document, to standard output or a file')
    .argument('<id>', 'the conversation')
    .addOption(
      new Option('-f, --format <format>', 'md or json').choices(['md', 'json']).makeOptionMandatory(),
    )
    .option('-o, --output <file>', 'write it to this file')
    .option('--tenant <id>', 'the tenant it belongs to')
    .action(
      async (
        id: string,
        options: { format: ExportFormat; output?: string; tenant?: string },
        cmd: Command,
      ) => {
        await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
          const document = await render(ai, id, options.tenant, options.format)
          if (!options.output) return void process.stdout.write(document)
          await writeFile(options.output, document)
          note(`Wrote ${options.output}.`)
        })
      },
    )
  examples(exportCommand, [
    ['aimux conversations export 0192f3c4-... --format md > chat.md', 'as Markdown'],
    ['aimux conversations export 0192f3c4-... -f json -o chat.json', 'as JSON, to a file'],
  ])
}

async function render(ai: AI, id: string, tenant: string | undefined, format: ExportFormat): Promise<string> {
  const filter = tenant ? { tenantId: tenant } : {}
  const record = await ai.store.conversations.getConversation(id, filter)
  if (!record) throw new Error(`There is no conversation '${id}'${tenant ? ` for tenant '${tenant}'` : ''}.`)
  return exportConversation(record, await ai.store.conversations.listMessages(id, filter), format)
}
