import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import {
  type AI,
  type ChatResult,
  type Conversation,
  type ConversationOptions,
  formatUsd,
  NotFoundError,
  type Scope,
  type Usage,
} from '@aimux/ai-core'
import { addUsage, emptyUsage } from '@aimux/ai-core/provider-kit'
import { describeBudget } from './budget-view.js'
import { exportConversation } from './conversation-export.js'
import { errorLine } from './error-line.js'
import { formatCost, formatTokens } from './format-cost.js'
import { checkModelRef } from './model-ref.js'
import { modelTable } from './model-table.js'
import { MutedOutput } from './muted-output.js'
import { paint } from './output.js'

export interface SessionOptions {
  scope: Scope
  /** This session's model; else the conversation's, else the config's default. */
  model?: string
  system?: string
  /** A stored conversation to go on with. */
  resume?: string
  /** The config's defaultModel, to tell which model answers when the conversation names none. */
  defaultModel?: string
}

interface SlashCommand {
  args?: string
  help: string
  run(arg: string): Promise<'exit' | undefined>
}

/**
 * An interactive session: each line is sent to the model and the answer streams in; lines that
 * start with "/" are commands. The session is a stored conversation, so every message is written
 * as it is said. Ctrl-C stops the answer being written; at the prompt it clears the line, and a
 * second one on an empty line quits, as Ctrl-D and /exit do.
 */
export async function runSession(ai: AI, options: SessionOptions): Promise<void> {
  const owner = {
    ...(options.scope.tenantId ? { tenantId: options.scope.tenantId } : {}),
    ...(options.scope.userId ? { userId: options.scope.userId } : {}),
    ...(options.scope.projectId ? { projectId: options.scope.projectId } : {}),
  }
  const tenant = options.scope.tenantId ? { tenantId: options.scope.tenantId } : {}
  const open = (extra: ConversationOptions) => ai.conversation({ ...owner, ...extra })
  let conversation = options.resume
    ? await resume(options.resume)
    : await open({
        ...(options.model ? { model: options.model } : {}),
        ...(options.system ? { system: options.system } : {}),
      })
  if (options.resume && options.model) await conversation.setModel(options.model)

  /** The stored conversation `id`, when it belongs to the session's user, tenant and project. */
  async function resume(id: string): Promise<Conversation> {
    try {
      return await open({ id })
    } catch (error) {
      if (!NotFoundError.is(error)) throw error
      const whose = Object.entries(owner).map(([field, value]) => `${field.replace('Id', '')} ${value}`)
      throw new Error(
        `There is no conversation '${id}'${whose.length > 0 ? ` for ${whose.join(', ')}` : ''}; aimux conversations list shows them.`,
      )
    }
  }
  let last: ChatResult | undefined
  let answering: AbortController | undefined
  let completions = await modelRefs(ai)

  const currentModel = async () => (await conversation.record()).model ?? options.defaultModel
  const say = (text = '') => process.stdout.write(`${text}\n`)
  const dim = (text: string) => say(paint('dim', text))

  const commands: Record<string, SlashCommand> = {
    model: {
      args: '[provider:model]',
      help: 'show the model, or switch to another (Tab completes from the catalog)',
      async run(arg) {
        if (arg === '')
          return void say(`model: ${(await currentModel()) ?? 'none (set one: /model provider:model)'}`)
        await conversation.setModel(checkModelRef(arg, ai))
        say(`model: ${arg}`)
      },
    },
    models: {
      help: "the catalog's models with their prices, and the config's aliases and groups",
      async run() {
        const models = await ai.models.list()
        completions = await modelRefs(ai)
        if (models.length === 0) say('The catalog is empty: run `aimux models sync`.')
        else say(modelTable(ai, models))
        const { aliases, groups } = ai.models.routes()
        for (const [alias, target] of Object.entries(aliases)) say(`alias  ${alias} -> ${target}`)
        for (const [group, members] of Object.entries(groups)) say(`group  @${group}: ${members.join(', ')}`)
      },
    },
    reset: {
      help: 'start a new conversation with the same model',
      async run() {
        const model = (await conversation.record()).model
        await dropIfEmpty(ai, conversation, tenant)
        conversation = await open({
          ...(model ? { model } : {}),
          ...(options.system ? { system: options.system } : {}),
        })
        last = undefined
        say(`New conversation ${conversation.id}.`)
      },
    },
    status: {
      help: 'the model, tokens, cost so far and budget left',
      async run() {
        const record = await conversation.record()
        const usage = sumUsage(await conversation.messages())
        const budgets = await ai.budgets.status(options.scope)
        const rows: [string, string][] = [
          ['model', record.model ?? options.defaultModel ?? 'none (set one: /model provider:model)'],
          ['conversation', `${record.id} (${record.messageCount} messages)`],
          ['tokens', formatTokens(usage)],
          ['cost', formatUsd(record.totalCostNanoUsd)],
          ...budgets.map((budget): [string, string] => ['budget', describeBudget(budget)]),
        ]
        if (budgets.length === 0) rows.push(['budget', 'no budget applies'])
        for (const [label, value] of rows) say(`${label.padEnd(14)}${value}`)
      },
    },
    cost: {
      help: 'what the last answer and the whole conversation cost',
      async run() {
        const record = await conversation.record()
        if (last) say(`last answer   ${formatCost(last.cost)} (${formatTokens(last.usage)})`)
        say(`conversation  ${formatUsd(record.totalCostNanoUsd)}`)
      },
    },
    system: {
      args: '[text]',
      help: 'add a system prompt for the rest of the conversation, or show the ones given',
      async run(arg) {
        if (arg === '') {
          const prompts = (await conversation.messages()).filter((m) => m.role === 'system')
          if (prompts.length === 0) return void say('No system prompt.')
          for (const prompt of prompts)
            say(`system: ${prompt.content.map((p) => ('text' in p ? p.text : '')).join('')}`)
          return
        }
        // Stored as the next message of the conversation: the history sent with every later
        // question carries it, where it was given.
        await ai.store.conversations.appendMessage({
          id: randomUUID(),
          conversationId: conversation.id,
          role: 'system',
          content: [{ type: 'text', text: arg }],
        })
        say('System prompt added.')
      },
    },
    save: {
      args: '[file]',
      help: 'write the conversation to a Markdown file (it is stored already)',
      async run(arg) {
        const file = resolve(arg || `aimux-chat-${conversation.id}.md`)
        const record = await conversation.record()
        await writeFile(file, exportConversation(record, await conversation.messages(), 'md'))
        say(`Saved to ${file}.`)
      },
    },
    help: {
      help: 'this list',
      async run() {
        const usages = Object.entries(commands).map(([name, c]) => [
          `/${name} ${c.args ?? ''}`.trimEnd(),
          c.help,
        ])
        const width = Math.max(...usages.map(([usage]) => usage?.length ?? 0)) + 2
        for (const [usage = '', help] of usages) say(`${usage.padEnd(width)}${help}`)
        say(`${''.padEnd(width)}Ctrl-C stops an answer; Ctrl-D or /exit quits.`)
      },
    },
    exit: {
      help: 'quit (the conversation stays stored)',
      async run() {
        return 'exit'
      },
    },
  }

  const output = new MutedOutput(process.stdout)
  const rl = createInterface({
    input: process.stdin,
    output,
    terminal: true,
    prompt: paint('cyan', '> '),
    completer: (line: string): [string[], string] => {
      if (line.startsWith('/model ')) {
        const partial = line.slice('/model '.length)
        return [completions.filter((ref) => ref.startsWith(partial)), partial]
      }
      if (/^\/\w*$/.test(line))
        return [
          Object.keys(commands)
            .map((name) => `/${name}`)
            .filter((c) => c.startsWith(line)),
          line,
        ]
      return [[], line]
    },
  })
  let exitArmed = false
  rl.on('SIGINT', () => {
    if (answering) return answering.abort()
    if (rl.line !== '') {
      clearLine(rl)
      return
    }
    if (exitArmed) return rl.close()
    exitArmed = true
    output.write('\n')
    dim('(To exit, press Ctrl-C again, Ctrl-D, or type /exit.)')
    rl.prompt()
  })

  async function ask(question: string) {
    const controller = new AbortController()
    answering = controller
    output.muted = true
    let pending = ''
    try {
      const stream = conversation.stream(question, { signal: controller.signal })
      for await (const part of stream) {
        if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
          process.stdout.write(part.type === 'text-delta' ? part.text : paint('dim', part.text))
          pending = part.text.at(-1) ?? pending
        } else if (part.type === 'tool-call') {
          say()
          dim(`[tool call: ${part.toolCall.name}]`)
          pending = '\n'
        }
      }
      const result = await stream.result
      if (pending !== '\n') say()
      dim(`${result.provider}:${result.model} · ${formatTokens(result.usage)} · ${formatCost(result.cost)}`)
      last = result
    } catch (error) {
      if (pending !== '' && pending !== '\n') say()
      if (controller.signal.aborted) dim('[stopped]')
      else say(paint('red', `error: ${errorLine(error)}`))
    } finally {
      answering = undefined
      output.muted = false
    }
    await nameAfterFirstQuestion(ai, conversation, question, tenant)
  }

  const model = await currentModel()
  dim(
    `aimux chat · ${model ?? 'no model: /model provider:model'} · conversation ${conversation.id}\n` +
      '/help lists the commands · Ctrl-C stops an answer · Ctrl-D or /exit quits',
  )
  rl.prompt()
  for await (const line of rl) {
    exitArmed = false
    const text = line.trim()
    if (text.startsWith('/')) {
      const name = text.slice(1).split(/\s+/)[0] ?? ''
      const command = commands[name]
      try {
        if (!command) say(paint('red', `unknown command /${name}: /help lists them`))
        else if ((await command.run(text.slice(1 + name.length).trim())) === 'exit') break
      } catch (error) {
        say(paint('red', `error: ${errorLine(error)}`))
      }
    } else if (text !== '') {
      await ask(text)
    }
    rl.prompt(true)
  }
  rl.close()
  const stored = await dropIfEmpty(ai, conversation, tenant)
  if (stored) dim(`The conversation is stored: aimux conversations show ${conversation.id}`)
}

/** Every model the completion of /model offers: the catalog's, the aliases, the groups, "provider:". */
async function modelRefs(ai: AI): Promise<string[]> {
  const { aliases, groups } = ai.models.routes()
  const models = (await ai.models.list()).map((m) => `${m.provider}:${m.id}`)
  const providers = ai.providers.list().map((id) => `${id}:`)
  return [
    ...new Set([
      ...models,
      ...Object.keys(aliases),
      ...Object.keys(groups).map((g) => `@${g}`),
      ...providers,
    ]),
  ].sort()
}

/** Deletes a conversation nothing was said in; true when it holds messages and stays. */
async function dropIfEmpty(
  ai: AI,
  conversation: Conversation,
  tenant: { tenantId?: string },
): Promise<boolean> {
  const said = (await conversation.messages()).some((m) => m.role === 'user')
  if (!said) await ai.store.conversations.deleteConversation(conversation.id, tenant)
  return said
}

/** A new conversation is titled after its first question, for `aimux conversations list`. */
async function nameAfterFirstQuestion(
  ai: AI,
  conversation: Conversation,
  question: string,
  tenant: { tenantId?: string },
): Promise<void> {
  const record = await conversation.record()
  if (record.title) return
  const line = question.split('\n')[0] ?? question
  const title = line.length > 60 ? `${line.slice(0, 59)}…` : line
  await ai.store.conversations.updateConversation(conversation.id, { title }, tenant)
}

function sumUsage(messages: readonly { usage?: Usage }[]): Usage {
  return messages.reduce((total, { usage }) => (usage ? addUsage(total, usage) : total), emptyUsage())
}

/** Clears what is typed at the prompt, as a shell does on Ctrl-C. */
function clearLine(rl: Interface): void {
  rl.write(null, { ctrl: true, name: 'e' })
  rl.write(null, { ctrl: true, name: 'u' })
}
