import type { z } from 'zod'
import { StructuredOutputError } from '../errors/errors.js'
import { formatPath } from '../errors/validate.js'
import type { ResponseFormat } from '../spec/provider.js'
import { toJsonSchema } from '../spec/tool.js'

/** The response format that asks a provider for JSON matching `schema`. */
export function responseFormatFor(schema: z.ZodType, name = 'response'): ResponseFormat {
  return { type: 'json', schema: toJsonSchema(schema), name }
}

/** The start of a reply fenced as a ```json code block (the language tag optional). */
export const openingFence = /^\s*```(?:json)?\s*/

/** Parses a model's reply as JSON (a ```json fence is tolerated) and validates it against `schema`. */
export function parseStructuredOutput<T>(schema: z.ZodType<T>, text: string): T {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text)
  const json = fenced?.[1] ?? text
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (cause) {
    throw structuredError(`The model's reply is not valid JSON: ${(cause as Error).message}`, text, [], cause)
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => ({ path: formatPath([...i.path]), message: i.message }))
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  throw structuredError(`The model's reply does not match the schema: ${list}`, text, issues, parsed.error)
}

function structuredError(
  message: string,
  text: string,
  issues: StructuredOutputError['issues'],
  cause: unknown,
): StructuredOutputError {
  const error = new StructuredOutputError(message, { cause })
  error.text = text
  error.issues = issues
  return error
}
