import type { Command } from 'commander'
import { examples } from '../examples.js'
import { checkModelRef } from '../model-ref.js'
import { perMillion } from '../model-table.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { print, printJson } from '../output.js'
import { parseDate } from '../parse-date.js'
import { table } from '../table.js'
import { UsageError } from '../usage-error.js'

const rateNames = [
  ['input', 'input'],
  ['cachedInput', 'cached input'],
  ['cacheWrite', 'cache write'],
  ['output', 'output'],
  ['reasoning', 'reasoning'],
] as const

export function registerPrices(program: Command): void {
  const command = program
    .command('prices')
    .summary('the price in force for a model')
    .description(
      'The price in force for a model, in USD per million tokens: your own prices from the config, else ' +
        'those synced from the provider, else the built-in ones.',
    )
    .argument('<model>', 'provider:model')
    .option('--at <date>', 'the price in force at this date instead of now')
    .option('--json', 'the price as JSON')
    .action(async (model: string, options: { at?: string; json?: boolean }, cmd: Command) => {
      const at = options.at === undefined ? undefined : parseDate(options.at, '--at')
      await withAI(cmd.optsWithGlobals<GlobalOptions>(), async (ai) => {
        checkModelRef(model, ai)
        if (!model.includes(':'))
          throw new UsageError(`prices needs provider:model, not an alias or group: '${model}'`)
        const price = ai.models.price(model, at)
        if (options.json)
          return printJson({ model, at: (at ?? new Date()).toISOString(), price: price ?? null })
        if (!price) throw new Error(`No price is known for ${model}.`)
        print(`${model}, USD per million tokens`)
        const rows = rateNames.flatMap(([key, name]) =>
          price[key] === undefined ? [] : [[name, perMillion(price[key])]],
        )
        print(table([{ header: 'TOKENS' }, { header: 'PRICE', align: 'right' }], rows))
        for (const tier of price.tiers ?? []) {
          const rates = rateNames.flatMap(([key, name]) =>
            tier[key] === undefined ? [] : [`${name} ${perMillion(tier[key])}`],
          )
          print(`above ${tier.aboveInputTokens.toLocaleString('en-US')} input tokens: ${rates.join(', ')}`)
        }
      })
    })
  examples(command, [
    ['aimux prices openai:gpt-4o-mini', 'what it costs now'],
    ['aimux prices openai:gpt-4o --at 2024-06-01', 'what it cost then'],
    ['aimux prices anthropic:claude-sonnet-4-5 --json', 'as JSON'],
  ])
}
