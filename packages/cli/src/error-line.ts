import { AimuxError } from '@aimux/ai-core'

/** An error as one line: its message with line breaks folded, named by its class when that helps. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const folded = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')
  if (AimuxError.is(error) && error.name !== 'AimuxError' && error.name !== 'ConfigError') {
    return `${error.name}: ${folded}`
  }
  return folded
}
