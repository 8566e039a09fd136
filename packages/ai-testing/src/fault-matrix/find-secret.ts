import { inspect } from 'node:util'

/**
 * Where `secret` shows up in any of `subjects` (named values: an error, event payloads, a usage
 * record), looked for as `console.log` and loggers would print them: `util.inspect` at full depth
 * with hidden properties, JSON, and for errors each message and stack down the cause chain.
 * Returns the names of the subjects that hold it; empty when none does.
 *
 * @example findSecret(apiKey, { error, events, usage }) // [] when nothing leaked
 */
export function findSecret(secret: string, subjects: Record<string, unknown>): string[] {
  return Object.entries(subjects)
    .filter(([, value]) => renderings(value).some((text) => text.includes(secret)))
    .map(([name]) => name)
}

function renderings(value: unknown): string[] {
  const texts = [
    inspect(value, {
      depth: Number.POSITIVE_INFINITY,
      showHidden: true,
      maxArrayLength: null,
      maxStringLength: null,
    }),
    inspect(value, { depth: Number.POSITIVE_INFINITY, maxArrayLength: null, maxStringLength: null }),
    json(value),
  ]
  const seen = new Set<unknown>()
  for (let error = value; error instanceof Error && !seen.has(error); error = error.cause) {
    seen.add(error)
    texts.push(String(error), error.message, error.stack ?? '')
  }
  return texts
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}
