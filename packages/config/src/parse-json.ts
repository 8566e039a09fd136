import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser'

/** Where a JSON text is wrong: its 1-based line and column, and why. */
export interface JsonSyntaxError {
  line: number
  column: number
  reason: string
}

/**
 * Parses strict JSON (no comments, no trailing commas, as JSON.parse). A syntax error comes back
 * with its line and column, and a reason that quotes nothing from the file.
 */
export function parseJson(text: string): { value: unknown } | { error: JsonSyntaxError } {
  const errors: ParseError[] = []
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false })
  const first = errors[0]
  if (!first) return { value }
  const before = text.slice(0, first.offset).split('\n')
  return {
    error: { line: before.length, column: before.at(-1)!.length + 1, reason: describe(first.error) },
  }
}

/** `PropertyNameExpected` reads as "property name expected". */
function describe(code: ParseError['error']): string {
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
}
