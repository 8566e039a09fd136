import { type Detector, type Match, scan } from './detector.js'

// Keys with a known shape: OpenAI and Anthropic (`sk-`, `sk-proj-`, `sk-ant-`), Stripe
// (`sk_live_`, `rk_live_`, `sk_test_`), AWS access key ids (`AKIA`, `ASIA`), GitHub tokens
// (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), Slack (`xoxb-` ...), Google (`AIza`),
// and JSON web tokens.
const KNOWN = new RegExp(
  [
    String.raw`\bsk-[A-Za-z0-9_-]{16,}`,
    String.raw`\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}`,
    String.raw`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`,
    String.raw`\bgh[pousr]_[A-Za-z0-9]{30,}`,
    String.raw`\bgithub_pat_[A-Za-z0-9_]{22,}`,
    String.raw`\bxox[abposr]-[A-Za-z0-9-]{10,}`,
    String.raw`\bAIza[0-9A-Za-z_-]{35}`,
    String.raw`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
  ].join('|'),
  'g',
)
// Any other run of 32 or more key characters...
const TOKEN = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{32,}(?![A-Za-z0-9+/_=-])/g
/** ...with letters and digits mixed and more than 4 bits of entropy per character (hexadecimal has at most 4). */
const MIN_ENTROPY_BITS = 4.1

/** Shannon entropy of a string, in bits per character. */
export function entropyBits(value: string): number {
  const counts = new Map<string, number>()
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / value.length
    bits -= p * Math.log2(p)
  }
  return bits
}

function highEntropy(value: string): boolean {
  return /[A-Za-z]/.test(value) && /\d/.test(value) && entropyBits(value) >= MIN_ENTROPY_BITS
}

/**
 * API keys and tokens: the known shapes above, and any other run of 32 or more letters, digits
 * and `+/_=-` that mixes letters and digits with an entropy above 4 bits a character (at least 4.1, so
 * hexadecimal digests and UUIDs, whose entropy is at most 4 bits, are not matched).
 */
export const apiKeyDetector: Detector = {
  name: 'apiKey',
  label: 'API_KEY',
  find(text) {
    const known = scan(text, KNOWN)
    const other = scan(text, TOKEN, (value, start) =>
      highEntropy(value) ? { start, end: start + value.length } : undefined,
    ).filter((m) => !known.some((k) => k.start < m.end && m.start < k.end))
    return [...known, ...other].sort((a: Match, b: Match) => a.start - b.start)
  },
}
