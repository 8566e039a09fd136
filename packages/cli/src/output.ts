import { painter } from './terminal.js'

/** A line on standard output: the command's result, what a script reads. */
export function print(text = ''): void {
  process.stdout.write(`${text}\n`)
}

/** A value as JSON on standard output, dates as ISO strings. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2))
}

/** A note for the person at the terminal (progress, hints), on standard error. */
export function note(text: string): void {
  process.stderr.write(`${text}\n`)
}

/** Styles for standard output, plain when it is not a terminal or under NO_COLOR. */
export const paint = painter(process.stdout)

/** Styles for standard error. */
export const paintErr = painter(process.stderr)
