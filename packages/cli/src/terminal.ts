import { styleText } from 'node:util'

type Style = Parameters<typeof styleText>[0]

/**
 * Colour only for a terminal, and never under NO_COLOR (set and not empty, as no-color.org
 * says); FORCE_COLOR (other than 0) turns it on anyway, for pipes that end in a terminal.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

/** A painter for one stream: text styled when the stream takes colour, as it is otherwise. */
export function painter(stream: { isTTY?: boolean }, env?: NodeJS.ProcessEnv) {
  const enabled = colorEnabled(stream, env)
  return (style: Style, text: string) => (enabled ? styleText(style, text, { validateStream: false }) : text)
}

export type Paint = ReturnType<typeof painter>
