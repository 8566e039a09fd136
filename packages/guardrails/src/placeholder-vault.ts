/**
 * The placeholders of one request: each distinct value a detector found gets one token, numbered
 * per label (`<<EMAIL_1>>`, `<<EMAIL_2>>`), and the same value the same token in every message and
 * model call of the request, so the answer can be put back.
 */
export interface PlaceholderVault {
  /** The token for a value, made on first use. */
  tokenFor(label: string, value: string): string
  /** `text` with every token this vault made replaced by its value. */
  restore(text: string): string
  /** The tokens made so far. */
  readonly tokens: readonly string[]
  /** The length of the longest token made so far (0 when there is none). */
  readonly longest: number
}

const TOKEN = /<<[A-Z0-9_]+_\d+>>/g

export function createPlaceholderVault(): PlaceholderVault {
  const byValue = new Map<string, string>()
  const byToken = new Map<string, string>()
  const counters = new Map<string, number>()
  let longest = 0
  return {
    tokenFor(label, value) {
      const key = `${label}\u0000${value}`
      const known = byValue.get(key)
      if (known) return known
      const n = (counters.get(label) ?? 0) + 1
      counters.set(label, n)
      const token = `<<${label}_${n}>>`
      byValue.set(key, token)
      byToken.set(token, value)
      longest = Math.max(longest, token.length)
      return token
    },
    restore(text) {
      if (byToken.size === 0 || !text.includes('<<')) return text
      return text.replace(TOKEN, (token) => byToken.get(token) ?? token)
    },
    get tokens() {
      return [...byToken.keys()]
    },
    get longest() {
      return longest
    },
  }
}
