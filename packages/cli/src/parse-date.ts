import { UsageError } from './usage-error.js'

const dateOnly = /^\d{4}-\d{2}-\d{2}$/

/**
 * A date from the command line: `2026-11-01` (midnight UTC) or an ISO date-time
 * (`2026-11-01T12:00:00Z`). With `endOfDay`, a date alone means the end of that day, so that
 * `--to 2026-11-30` takes in the 30th. Anything else is a UsageError naming the option.
 */
export function parseDate(value: string, option: string, { endOfDay = false } = {}): Date {
  const isDateOnly = dateOnly.test(value)
  const valid = isDateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)
  const date = new Date(isDateOnly ? `${value}T00:00:00.000Z` : value)
  // `new Date('2026-02-30')` is March 2nd: a day that does not exist is refused, not moved.
  if (!valid || Number.isNaN(date.getTime()) || (isDateOnly && date.toISOString().slice(0, 10) !== value)) {
    throw new UsageError(`${option}: '${value}' is not a date; write 2026-11-01 or 2026-11-01T12:00:00Z`)
  }
  if (isDateOnly && endOfDay) date.setUTCDate(date.getUTCDate() + 1)
  return date
}
