import { redactSecrets } from './redact-secrets.js'

const marker = Symbol.for('aimux.error')
/** How many causes deep a copy goes; a longer chain ends there. */
const maxDepth = 8

/**
 * A plain copy of what an error was caused by, safe to keep and show: an Error with the original's
 * name, message, stack, and its `status` and `code` when they are numbers or strings, each text
 * with `secrets` and anything shaped like a key or bearer token masked, and its own cause copied
 * the same way. Nothing else is kept: never an SDK error's headers, request, response or body,
 * which can echo the key the call used. A string is masked; an aimux error is kept as it is (it
 * was made safe when it was created); any other value becomes an Error with its text masked.
 */
export function scrubCause(cause: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (cause === undefined || cause === null) return cause
  if (typeof cause === 'string') return redactSecrets(cause, secrets)
  if (typeof cause !== 'object') return cause
  if ((cause as Record<symbol, unknown>)[marker] === true) return cause
  const source = cause as {
    name?: unknown
    message?: unknown
    stack?: unknown
    status?: unknown
    code?: unknown
  }
  const text = redactSecrets(cause, secrets)
  const copy = new Error(cause instanceof Error ? text : text.slice(0, 1000))
  const name = typeof source.name === 'string' ? source.name : cause instanceof Error ? 'Error' : 'Object'
  Object.defineProperty(copy, 'name', { value: name, writable: true, configurable: true, enumerable: false })
  const stack = typeof source.stack === 'string' ? source.stack : `${name}: ${copy.message}`
  Object.defineProperty(copy, 'stack', {
    value: redactSecrets(stack, secrets),
    writable: true,
    configurable: true,
    enumerable: false,
  })
  const fields = copy as unknown as Record<string, unknown>
  for (const field of ['status', 'code'] as const) {
    const value = source[field]
    if (typeof value === 'number') fields[field] = value
    else if (typeof value === 'string') fields[field] = redactSecrets(value, secrets)
  }
  const inner = cause instanceof Error ? cause.cause : undefined
  if (inner !== undefined && depth < maxDepth) {
    Object.defineProperty(copy, 'cause', {
      value: scrubCause(inner, secrets, depth + 1),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  return copy
}
