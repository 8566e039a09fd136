import type { Command } from 'commander'

/** Adds an "Examples:" section to a command's --help. */
export function examples(command: Command, lines: readonly [example: string, what: string][]): Command {
  const width = Math.max(...lines.map(([example]) => example.length))
  const text = lines.map(([example, what]) => `  $ ${example.padEnd(width)}  ${what}`).join('\n')
  return command.addHelpText('after', `\nExamples:\n${text}`)
}
