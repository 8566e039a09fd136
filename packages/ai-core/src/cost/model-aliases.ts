/**
 * How providers name dated snapshots and moving aliases of a model: a suffix on the base model's
 * id. A model without a price of its own is priced like its base model, found by taking such a
 * suffix off (one at a time, as long as one matches).
 */
const dashedDate = /-\d{4}-\d{2}-\d{2}$/ // OpenAI: gpt-4o-mini-2024-07-18
const compactDate = /-\d{8}$/ // Anthropic: claude-3-5-haiku-20241022
const latest = /-latest$/ // Anthropic, Gemini, xAI: claude-3-5-haiku-latest, gemini-1.5-pro-latest
const version = /-\d{3}$/ // Gemini: gemini-2.0-flash-001

/** The suffixes each provider uses; any other provider's dated snapshots are read as OpenAI's or Anthropic's. */
const suffixesByProvider: Record<string, readonly RegExp[]> = {
  openai: [dashedDate],
  anthropic: [compactDate, latest],
  gemini: [version, latest],
  xai: [latest],
}
const anyProvider: readonly RegExp[] = [dashedDate, compactDate]

/**
 * The base models a model id may be priced as, nearest first: `gpt-4o-mini-2024-07-18` gives
 * `['gpt-4o-mini']`, `gemini-1.5-pro-002` gives `['gemini-1.5-pro']`. Empty when the id has no
 * snapshot or alias suffix.
 */
export function baseModels(provider: string, model: string): string[] {
  const suffixes = suffixesByProvider[provider] ?? anyProvider
  const bases: string[] = []
  let current = model
  for (;;) {
    const suffix = suffixes.find((pattern) => pattern.test(current))
    if (!suffix) return bases
    current = current.replace(suffix, '')
    if (current === '') return bases
    bases.push(current)
  }
}

/** The model id of a price entry that covers every model of its provider without one of its own. */
export const ANY_MODEL = '*'
