import { InvalidResponseError } from './errors.js'
import { redactSecrets } from './redact-secrets.js'

/** How much of an unreadable body an InvalidResponseError keeps. */
export const excerptLength = 200

/** What an adapter knows about an answer it could not read. */
export interface InvalidResponseDetails {
  provider: string
  model?: string
  /** What is wrong with it, e.g. 'no choices' or 'malformed JSON'. */
  problem: string
  /** What came back: its text, or the value the SDK parsed it into. */
  body?: unknown
  /** The HTTP status it came with, when known (usually 200). */
  status?: number
  /** Masked in the message and the excerpt, such as the key the call used. */
  secrets?: readonly string[]
  cause?: unknown
}

/**
 * The error for an answer an adapter cannot read: an {@link InvalidResponseError} naming the
 * provider and what is wrong, with an excerpt of the body (secrets and key-shaped text masked
 * first, then cut to {@link excerptLength} characters) and the cause kept only as a masked plain
 * copy.
 *
 * @example throw invalidResponse({ provider: 'openai', model, problem: 'no choices', body: completion, secrets: [apiKey] })
 */
export function invalidResponse(details: InvalidResponseDetails): InvalidResponseError {
  const secrets = details.secrets ?? []
  const excerpt = excerptOf(details.body, secrets)
  const error = new InvalidResponseError(
    `${details.provider}: the answer could not be read (${details.problem})${excerpt ? `: ${excerpt}` : ''}`,
    {
      provider: details.provider,
      model: details.model,
      status: details.status,
      cause: details.cause,
      secrets,
    },
  )
  error.excerpt = excerpt
  return error
}

function excerptOf(body: unknown, secrets: readonly string[]): string {
  if (body === undefined || body === null) return ''
  let text: string
  if (typeof body === 'string') text = body
  else {
    try {
      text = JSON.stringify(body) ?? String(body)
    } catch {
      text = String(body)
    }
  }
  const masked = redactSecrets(text, secrets).replace(/\s+/g, ' ').trim()
  return masked.length > excerptLength ? `${masked.slice(0, excerptLength)}…` : masked
}
