import { type Detector, labelOf, scan } from './detector.js'

/** A detector for an application's own pattern, such as an employee or customer number. */
export function customDetector(name: string, pattern: RegExp | string): Detector {
  const source = typeof pattern === 'string' ? pattern : pattern.source
  const flags =
    typeof pattern === 'string' ? 'g' : pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`
  const regex = new RegExp(source, flags.replace('y', ''))
  return { name, label: labelOf(name), find: (text) => scan(text, regex) }
}
