import { type Detector, scan } from './detector.js'

// A run of digits with single spaces, dots, dashes or parentheses between them, optionally led by
// `+` or an opening parenthesis, not inside a word or a longer number.
const CANDIDATE = /(?<![\w+.-])(?:\+|\()?\d(?:[ .()-]{0,2}\d){6,16}(?![\w-]|\.\d)/g
// North American numbers: three digits (in parentheses or not), three, then four, separated.
const NANP = /^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}$/

/** Whether a candidate run of digits is a phone number by the rules the README states. */
function isPhone(value: string): boolean {
  const digits = value.replace(/\D/g, '')
  if (value.startsWith('+')) return digits.length >= 8 && digits.length <= 15
  if (value.startsWith('00')) return digits.length >= 10 && digits.length <= 17
  if (NANP.test(value)) return true
  return /^\(?0/.test(value) && digits.length >= 9 && digits.length <= 11
}

/**
 * Phone numbers: international ones (`+` or `00`, then 8 to 15 digits, grouped or not), North
 * American ones with separators (`(555) 123-4567`, `555-123-4567`), and national numbers with a
 * trunk prefix `0` and 9 to 11 digits (`07700 900123`, `06 12 34 56 78`, `030 1234567`).
 */
export const phoneDetector: Detector = {
  name: 'phone',
  label: 'PHONE',
  find: (text) =>
    scan(text, CANDIDATE, (value, start) => {
      // A trailing separator or parenthesis is not part of the number.
      const trimmed = value.replace(/[ .(-]+$/, '')
      return isPhone(trimmed) ? { start, end: start + trimmed.length } : undefined
    }),
}
