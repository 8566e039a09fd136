import { apiKeyDetector } from './api-key-detector.js'
import { cardDetector } from './card-detector.js'
import { customDetector } from './custom-detector.js'
import type { Detector, Match } from './detector.js'
import { emailDetector } from './email-detector.js'
import type { GuardrailsOptions, RedactAction } from './guardrails-options.js'
import { ibanDetector } from './iban-detector.js'
import { phoneDetector } from './phone-detector.js'
import type { PlaceholderVault } from './placeholder-vault.js'

/** How many matches each detector had, by detector name. */
export type DetectorCounts = Record<string, number>

/** What redacting one text gave. */
export interface Redaction {
  text: string
  counts: DetectorCounts
  /** The first detector whose action is 'refuse' that matched, when one did. */
  refusedBy?: string
}

/** Applies the configured detectors to texts. */
export interface Redactor {
  /** True when no detector is configured. */
  readonly empty: boolean
  /** Masks, replaces with placeholders from `vault`, or reports a refusal. */
  redact(text: string, vault: PlaceholderVault): Redaction
}

interface Armed {
  detector: Detector
  action: RedactAction
}

/**
 * The configured detectors in the order they claim text, so that one match is counted once:
 * custom patterns, then email, API key, IBAN, card and phone (a card or IBAN number is not also
 * read as a phone number, an address's digits not as one either).
 */
export function createRedactor(redact: GuardrailsOptions['redact'] = {}): Redactor {
  const armed: Armed[] = []
  for (const c of redact.custom ?? [])
    armed.push({ detector: customDetector(c.name, c.pattern), action: c.action })
  const builtIn: [Detector, RedactAction | undefined][] = [
    [emailDetector, redact.email],
    [apiKeyDetector, redact.apiKey],
    [ibanDetector, redact.iban],
    [cardDetector, redact.card],
    [phoneDetector, redact.phone],
  ]
  for (const [detector, action] of builtIn) if (action) armed.push({ detector, action })

  return {
    empty: armed.length === 0,
    redact(text, vault) {
      if (armed.length === 0 || text === '') return { text, counts: {} }
      const claimed: (Match & Armed)[] = []
      for (const a of armed) {
        for (const m of a.detector.find(text)) {
          if (claimed.some((c) => c.start < m.end && m.start < c.end)) continue
          claimed.push({ ...m, ...a })
        }
      }
      if (claimed.length === 0) return { text, counts: {} }
      claimed.sort((x, y) => x.start - y.start)
      const counts: DetectorCounts = {}
      for (const c of claimed) counts[c.detector.name] = (counts[c.detector.name] ?? 0) + 1
      const refusing = claimed.find((c) => c.action === 'refuse')
      if (refusing) return { text, counts, refusedBy: refusing.detector.name }
      let out = ''
      let at = 0
      for (const c of claimed) {
        const value = text.slice(c.start, c.end)
        out += text.slice(at, c.start)
        out += c.action === 'mask' ? `[${c.detector.label}]` : vault.tokenFor(c.detector.label, value)
        at = c.end
      }
      return { text: out + text.slice(at), counts }
    },
  }
}

/** Adds `more` into `into`. */
export function addCounts(into: DetectorCounts, more: DetectorCounts): void {
  for (const [name, n] of Object.entries(more)) into[name] = (into[name] ?? 0) + n
}
