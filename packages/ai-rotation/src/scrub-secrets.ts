/**
 * Masks `secrets` wherever an error shows them, in place: its message and stack, its fields, and
 * the same through its causes and the plain objects they hold (a provider SDK's error keeps the
 * provider's answer, which may echo the key). Class instances other than errors are left alone.
 */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const masked = secrets.filter((secret) => secret.length >= 4)
  const seen = new Set<object>()
  const visit = (node: unknown, depth: number) => {
    if (typeof node !== 'object' || node === null || seen.has(node) || depth > 8) return
    const proto = Object.getPrototypeOf(node)
    const error = node instanceof Error
    if (!error && !Array.isArray(node) && proto !== Object.prototype && proto !== null) return
    seen.add(node)
    const record = node as Record<string, unknown>
    const keys = new Set(Object.keys(record))
    if (error) for (const key of ['message', 'stack', 'cause']) keys.add(key)
    for (const key of keys) {
      const field = record[key]
      if (typeof field !== 'string') visit(field, depth + 1)
      else if (masked.some((secret) => field.includes(secret))) {
        try {
          record[key] = masked.reduce((text, secret) => text.split(secret).join('[redacted]'), field)
        } catch {
          // A read-only field stays as it is.
        }
      }
    }
  }
  visit(value, 0)
  return value
}
