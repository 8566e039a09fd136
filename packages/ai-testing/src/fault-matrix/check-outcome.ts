import type { Fault, RetryMode } from './fault.js'
import { type CellOutcome, cellBoundMs } from './run-cell.js'

/**
 * How a cell's outcome differs from what the fault should give: one line per difference, empty
 * when the cell passes. Checks the error's class, code, `retryable`, `status` and `retryAfterMs`;
 * the attempts made; for a stream broken after a part, its typed cause and the text so far; that
 * the call, and flush and close after it, ended in bounded time; that the key is nowhere; that a
 * failed usage record was written.
 */
export function checkOutcome(fault: Fault, mode: RetryMode, outcome: CellOutcome): string[] {
  const expected = fault.expect
  const failures: string[] = []
  const differs = (what: string, actual: unknown, wanted: unknown) => {
    if (actual !== wanted) failures.push(`${what} is ${show(actual)}, expected ${show(wanted)}`)
  }
  const bound = cellBoundMs(fault, mode)
  if (outcome.elapsedMs >= bound)
    failures.push(`took ${Math.round(outcome.elapsedMs)} ms, over its bound of ${bound} ms`)
  for (const stuck of outcome.stuck) failures.push(`${stuck} did not settle within 5 s after the call`)
  const error = outcome.error
  if (!error) failures.push('the call succeeded')
  else {
    const thrown = `${error.name} (${error.code})`
    if (thrown !== `${expected.error} (${expected.code})`) {
      failures.push(`error is ${thrown} "${error.message}", expected ${expected.error} (${expected.code})`)
    }
    differs('retryable', error.retryable, expected.retryable)
    const statuses = Array.isArray(expected.status) ? expected.status : [expected.status]
    if (!statuses.includes(error.status)) {
      failures.push(`status is ${show(error.status)}, expected ${statuses.map(show).join(' or ')}`)
    }
    const retryAfter = expected.retryAfterMs
    if (typeof retryAfter === 'object') {
      const inRange =
        error.retryAfterMs !== undefined &&
        error.retryAfterMs >= retryAfter.min &&
        error.retryAfterMs <= retryAfter.max
      if (!inRange) {
        failures.push(
          `retryAfterMs is ${show(error.retryAfterMs)}, expected ${retryAfter.min} to ${retryAfter.max}`,
        )
      }
    } else differs('retryAfterMs', error.retryAfterMs, retryAfter)
    if (expected.causeCodes && !expected.causeCodes.includes(error.causeCode ?? '(none)')) {
      const cause = error.causeCode === undefined ? 'missing' : `${error.causeCode} "${error.causeMessage}"`
      failures.push(`the cause is ${cause}, expected one of ${expected.causeCodes.join(', ')}`)
    }
    if (expected.partialText !== undefined) differs('partialText', error.partialText, expected.partialText)
  }
  differs('attempts', outcome.attempts, mode === 'default' ? expected.defaultAttempts : 1)
  if (outcome.leaks.length > 0) failures.push(`the key was found in: ${outcome.leaks.join(', ')}`)
  if (!outcome.usage) failures.push('no usage record was written')
  else {
    differs('usage.success', outcome.usage.success, false)
    differs('usage.errorCode', outcome.usage.errorCode, expected.code)
  }
  return failures
}

function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value)
}
