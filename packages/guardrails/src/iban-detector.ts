import { type Detector, type Match, scan } from './detector.js'
import { ibanValid } from './iban-checksum.js'

// A country code, two check digits, then 11 to 30 letters or digits, optionally in groups
// separated by single spaces (the printed form, `DE89 3704 0044 0532 0130 00`).
const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g

/**
 * The longest prefix of a candidate that is a valid IBAN: the candidate may run on into the next
 * word (`DE89 3704 0044 0532 0130 00 IS`), so shorter prefixes ending on a character are tried too.
 */
function longestValid(value: string, start: number): Match | undefined {
  const ends: number[] = []
  let compact = ''
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ' ') continue
    compact += value[i]
    ends.push(i + 1)
  }
  for (let length = compact.length; length >= 15; length--) {
    const end = ends[length - 1]!
    // A match ends at a word's end, not inside one.
    if (/[A-Za-z0-9]/.test(value[end] ?? '')) continue
    if (ibanValid(compact.slice(0, length))) return { start, end: start + end }
  }
  return undefined
}

/** IBANs, compact or grouped by spaces, in upper case, that pass the mod-97 check. */
export const ibanDetector: Detector = {
  name: 'iban',
  label: 'IBAN',
  find: (text) =>
    scan(text, CANDIDATE, (value, start) => {
      const match = longestValid(value, start)
      // The next word may have been taken into the candidate: the match ends before it.
      return match && /[A-Za-z0-9]/.test(text[match.end] ?? '') ? undefined : match
    }),
}
