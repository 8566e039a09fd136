/**
 * The fields of `fields` that hold a value: a NULL column is an optional field left out, as the
 * in-memory store leaves it out.
 */
export function compactFields<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: NonNullable<T[K]> } {
  const present: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(fields))
    if (value !== null && value !== undefined) present[name] = value
  return present as { [K in keyof T]?: NonNullable<T[K]> }
}
