/**
 * The token a request carries: `Authorization: Bearer <token>` as OpenAI clients send it, or
 * `x-api-key: <token>` as Anthropic-style clients do.
 */
export function requestToken(headers: Headers): string | undefined {
  const authorization = headers.get('authorization')
  if (authorization) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]
    if (bearer) return bearer
  }
  const apiKey = headers.get('x-api-key')?.trim()
  return apiKey || undefined
}
