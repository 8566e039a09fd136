import { CommanderError } from 'commander'
import { errorLine } from './error-line.js'
import { paintErr } from './output.js'
import { createProgram } from './program.js'
import { UsageError } from './usage-error.js'

/**
 * Runs the `aimux` command on `argv` (as process.argv: node, script, arguments...) and resolves to
 * its exit code: 0 for success, 1 for an error, 2 for a usage mistake (an unknown command or
 * option, a bad date, a model without its provider).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram()
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    // Commander has printed its message already. Help or --version asked for is a success;
    // anything else it refuses (an unknown command or option, a missing argument) is a usage mistake.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    process.stderr.write(`${paintErr('red', `error: ${errorLine(error)}`)}\n`)
    return error instanceof UsageError ? 2 : 1
  }
}
