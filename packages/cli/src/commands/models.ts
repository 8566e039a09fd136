import type { AI } from '@aimux/ai-core'
import type { Command } from 'commander'
import { Listr } from 'listr2'
import { errorLine } from '../error-line.js'
import { examples } from '../examples.js'
import { modelTable } from '../model-table.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { note, print, printJson } from '../output.js'
import { UsageError } from '../usage-error.js'

const collect = (value: string, previous: string[] = []) => [...previous, value]

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .summary('sync the model catalog from the providers, list it')
    .description('The model catalog: sync it from the providers, list it')
  examples(models, [
    ['aimux models sync', "every provider's models and prices into the catalog"],
    ['aimux models list --provider openai', "the catalog's OpenAI models with their prices"],
  ])

  const sync = models
    .command('sync')
    .summary("load the providers' models and prices into the catalog")
    .description(
      'Ask each provider (or those named) for its models and published prices and store them in the catalog. ' +
        'Shows live progress per provider on a terminal, a line per provider otherwise.',
    )
    .option('-p, --provider <id>', 'only this provider (repeatable)', collect)
    .option('--json', 'the result as JSON')
    .action(async (options: { provider?: string[]; json?: boolean }, cmd: Command) => {
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        const providers = providersOf(ai, options.provider)
        const results = options.json
          ? await syncQuietly(ai, providers)
          : await syncWithProgress(ai, providers)
        if (options.json) printJson(results)
        const failed = results.filter((r) => r.error !== undefined)
        if (failed.length > 0) {
          if (!options.json) note(`${failed.length} of ${results.length} providers failed.`)
          process.exitCode = 1
        }
      })
    })
  examples(sync, [
    ['aimux models sync', 'every configured provider'],
    ['aimux models sync -p openai -p anthropic', 'two of them'],
    ['aimux models sync --json', 'counts and errors as JSON'],
  ])

  const list = models
    .command('list')
    .summary("the catalog's models with their prices")
    .description("The catalog's models with their context window, prices per million tokens and capabilities")
    .option('-p, --provider <id>', "only this provider's models")
    .option('--json', 'the models as JSON, each with the price in force')
    .action(async (options: { provider?: string; json?: boolean }, cmd: Command) => {
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        const found = await ai.models.list(options.provider ? { provider: options.provider } : {})
        if (options.json) {
          return printJson(
            found.map((m) => ({ ...m, price: ai.models.price(`${m.provider}:${m.id}`) ?? null })),
          )
        }
        if (found.length === 0) return note('The catalog has no models yet: run `aimux models sync`.')
        print(modelTable(ai, found))
      })
    })
  examples(list, [
    ['aimux models list', 'every model in the catalog'],
    ['aimux models list -p openai --json', "OpenAI's, as JSON"],
  ])
}

interface SyncOutcome {
  provider: string
  models: number
  error?: { code: string; message: string }
}

function providersOf(ai: AI, asked: readonly string[] | undefined): string[] {
  const known = ai.providers.list()
  for (const id of asked ?? []) {
    if (!known.includes(id))
      throw new UsageError(`--provider: '${id}' is not configured (configured: ${known.join(', ')})`)
  }
  return asked ? [...new Set(asked)] : known
}

async function syncOne(ai: AI, provider: string): Promise<SyncOutcome> {
  const result = await ai.models.sync({ providers: [provider] })
  const failure = result.failed[0]
  return failure
    ? { provider, models: 0, error: { code: failure.error.code, message: errorLine(failure.error) } }
    : { provider, models: result.models.length }
}

function syncQuietly(ai: AI, providers: readonly string[]): Promise<SyncOutcome[]> {
  return Promise.all(providers.map((provider) => syncOne(ai, provider)))
}

/** The providers synced side by side: a live list on a terminal, a line as each one ends otherwise. */
async function syncWithProgress(ai: AI, providers: readonly string[]): Promise<SyncOutcome[]> {
  const results: SyncOutcome[] = []
  const tasks = new Listr(
    providers.map((provider) => ({
      title: `${provider}: syncing`,
      task: async (_context: unknown, task: { title: string }) => {
        task.title = `${provider}: syncing`
        const outcome = await syncOne(ai, provider)
        results.push(outcome)
        if (outcome.error) {
          task.title = provider
          throw new Error(outcome.error.message)
        }
        task.title = `${provider}: ${outcome.models} models`
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: process.stdout.isTTY ? 'default' : 'simple',
      fallbackRenderer: 'simple',
    },
  )
  await tasks.run()
  return providers.map((p) => results.find((r) => r.provider === p) ?? { provider: p, models: 0 })
}
