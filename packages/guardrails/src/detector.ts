/** Where a detector found something in a text: `[start, end)` in UTF-16 code units. */
export interface Match {
  start: number
  end: number
}

/** Finds one kind of sensitive data in a text. */
export interface Detector {
  /** The name the options, events and errors use: 'email', 'card', or a custom pattern's name. */
  name: string
  /** What a masked match becomes and what a placeholder is named after: 'EMAIL' gives `[EMAIL]` and `<<EMAIL_1>>`. */
  label: string
  /** Every match in `text`, in order, not overlapping. */
  find(text: string): Match[]
}

/** A detector's label from its name: upper case, anything else than a letter or digit an underscore. */
export function labelOf(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
}

/** Every match of a global regular expression that `accept` keeps (it may narrow the match). */
export function scan(
  text: string,
  pattern: RegExp,
  accept: (value: string, start: number) => Match | undefined = (value, start) => ({
    start,
    end: start + value.length,
  }),
): Match[] {
  const found: Match[] = []
  for (const m of text.matchAll(pattern)) {
    if (m[0] === '') continue
    const kept = accept(m[0], m.index)
    if (kept) found.push(kept)
  }
  return found
}
