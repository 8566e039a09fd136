/**
 * How the fake servers count tokens, so that a test can work a count out by hand: one token for
 * each word (a run of letters or digits) and one for each other character that is not a space.
 * "Hello, world!" is 4 tokens. Each protocol adds its own fixed costs (per message, per image).
 */
export function fakeTokenCount(text: string): number {
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0
}

/** The tokens of a value as JSON (tool inputs, schemas, results), by the same rule. */
export function fakeJsonTokenCount(value: unknown): number {
  return fakeTokenCount(JSON.stringify(value) ?? '')
}
