import { createRequire } from 'node:module'
import { Command } from 'commander'
import { registerBudgets } from './commands/budgets.js'
import { registerChat } from './commands/chat.js'
import { registerConversations } from './commands/conversations.js'
import { registerKeys } from './commands/keys.js'
import { registerModels } from './commands/models.js'
import { registerPrices } from './commands/prices.js'
import { registerServe } from './commands/serve.js'
import { registerUsage } from './commands/usage.js'
import { examples } from './examples.js'
import { paintErr } from './output.js'

const { version } = createRequire(import.meta.url)('../package.json') as { version: string }

/** The `aimux` command and its subcommands, each with --help and examples. */
export function createProgram(): Command {
  const program = new Command('aimux')
    .description(
      'Chat with any model, sync the model catalog, read usage, budgets and conversations, manage API keys.',
    )
    .version(version, '-V, --version', 'print the version')
    .option(
      '-c, --config <file>',
      'the config file (default: aimux.config.{json,mjs,ts} found upward from here)',
    )
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    // Inherited by every subcommand added below: errors come back to main() as exceptions,
    // which sets the exit code, and commander's own error is one line, red on a terminal.
    .exitOverride()
    .configureOutput({
      outputError: (message, write) => write(`${paintErr('red', oneLine(message))}\n`),
    })
  registerChat(program)
  registerModels(program)
  registerPrices(program)
  registerUsage(program)
  registerBudgets(program)
  registerConversations(program)
  registerKeys(program)
  registerServe(program)
  return examples(program, [
    ['aimux chat', 'an interactive session with the default model'],
    ['aimux chat "What is a monad?"', 'one answer, for scripts'],
    ['aimux models sync', "load every provider's models and prices into the catalog"],
    ['aimux usage --by model --from 2026-11-01', 'cost, tokens, latency and errors per model'],
    ['aimux budgets --scope user:u1', "where user u1's budgets stand"],
    ['aimux help usage', 'help for one command'],
  ])
}

/** Commander's "error: ...\n(Did you mean ...?)" as one line. */
function oneLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
}
