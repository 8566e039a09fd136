import { type Detector, scan } from './detector.js'

// A local part of letters, digits and . _ % + -, an @, and a domain with at least one dot and a
// top-level domain of two letters or more.
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![\w-])/g

/** Email addresses such as `jane.doe+news@example.co.uk`. */
export const emailDetector: Detector = {
  name: 'email',
  label: 'EMAIL',
  find: (text) => scan(text, EMAIL),
}
