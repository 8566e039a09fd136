import { type Detector, scan } from './detector.js'
import { luhnValid } from './luhn.js'

// 13 to 19 digits, optionally grouped by single spaces or dashes, not inside a longer number.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g

/** Payment card numbers: 13 to 19 digits, grouped or not, that pass the Luhn check. */
export const cardDetector: Detector = {
  name: 'card',
  label: 'CARD',
  find: (text) =>
    scan(text, CARD, (value, start) =>
      luhnValid(value.replace(/[ -]/g, '')) ? { start, end: start + value.length } : undefined,
    ),
}
