const keyShapes = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bxai-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  // A bearer token, by the characters RFC 6750 allows in one.
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
]

/**
 * Masks the given secrets, and anything shaped like an OpenAI, Anthropic, xAI or Google key or a
 * bearer token, in a value shown as text. It takes any value, as error bodies come in every
 * shape: a string as it is; an error, or an object with a string `message` (`{ message: 'slow
 * down' }`), by its message; any other object as JSON; null and undefined as ''.
 *
 * @example redactSecrets({ message: 'bad key sk-abc123456789' }) // 'bad key [redacted]'
 */
export function redactSecrets(value: unknown, secrets: readonly string[] = []): string {
  let result = asText(value)
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 4) result = result.split(secret).join('[redacted]')
  }
  for (const shape of keyShapes) result = result.replace(shape, '[redacted]')
  return result
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value !== 'object') return String(value)
  const message = (value as { message?: unknown }).message
  if (typeof message === 'string') return message
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}
