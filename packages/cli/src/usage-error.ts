/**
 * A mistake in how the command was called (a bad date, a model without its provider): the
 * command exits with code 2, as for an unknown command or option, instead of 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
