/** The error body every OpenAI endpoint answers with, and so every client knows how to read. */
export interface OpenAIErrorBody {
  error: {
    message: string
    type: string
    param: string | null
    code: string | null
  }
}

/** An error the gateway answers with: its HTTP status, its OpenAI-shaped body, and extra headers. */
export interface GatewayError {
  status: number
  body: OpenAIErrorBody
  headers?: Record<string, string>
}

export function gatewayError(
  status: number,
  error: { message: string; type?: string; param?: string | null; code?: string | null },
  headers?: Record<string, string>,
): GatewayError {
  return {
    status,
    body: {
      error: {
        message: error.message,
        type: error.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
        param: error.param ?? null,
        code: error.code ?? null,
      },
    },
    ...(headers ? { headers } : {}),
  }
}

/** The answer to a request without a valid key (missing, unknown, revoked or expired). */
export function invalidApiKey(message: string): GatewayError {
  return gatewayError(401, { message, code: 'invalid_api_key' })
}

/** A Response carrying a gateway error as JSON. */
export function errorResponse(error: GatewayError, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(error.body), {
    status: error.status,
    headers: { 'content-type': 'application/json', ...extraHeaders, ...error.headers },
  })
}
