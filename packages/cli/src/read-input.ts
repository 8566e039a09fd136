import { fstatSync } from 'node:fs'
import { text } from 'node:stream/consumers'

/** True when standard input is a pipe or a file: something was given to read, not a terminal. */
export function stdinHasData(): boolean {
  if (process.stdin.isTTY) return false
  try {
    const stat = fstatSync(0)
    return stat.isFIFO() || stat.isFile()
  } catch {
    return false
  }
}

/** All of standard input as text. */
export function readStdin(): Promise<string> {
  return text(process.stdin)
}
