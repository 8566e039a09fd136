/**
 * Tool call arguments as the model sent them, parsed from JSON: `{}` when empty, the raw string
 * when it is not JSON (the core's argument validation then says what is wrong).
 */
export function parseToolArguments(json: string): unknown {
  if (json.trim() === '') return {}
  try {
    return JSON.parse(json)
  } catch {
    return json
  }
}

/** Tool call arguments as the JSON the wire carries; a raw string kept by {@link parseToolArguments} goes back as it came. */
export function stringifyToolArguments(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args ?? {})
}
