import type { z } from 'zod'
import { type GatewayError, gatewayError } from './openai-error.js'

/** A zod path as OpenAI writes a param: `messages[0].content`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out
}

/**
 * A 400 naming every wrong field, the first as `param`. An unknown field is named by itself
 * ("foo: unknown field"). Only zod's messages are kept, never the values sent.
 */
export function invalidRequest(error: z.ZodError): GatewayError {
  const issues = error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        param: formatPath([...issue.path, key]),
        message: 'unknown field',
      }))
    }
    return [{ param: formatPath(issue.path), message: issue.message }]
  })
  const list = issues.map((i) => (i.param ? `${i.param}: ${i.message}` : i.message)).join('; ')
  return gatewayError(400, {
    message: `Invalid request: ${list}`,
    param: issues[0]?.param || null,
    code: 'invalid_request',
  })
}
