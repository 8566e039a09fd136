import {
  AbortedError,
  AimuxError,
  ConfigError,
  ConnectionError,
  TimeoutError,
  ToolError,
} from '@aimux/ai-core'
import { redactSecrets } from '@aimux/ai-core/provider-kit'
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js'
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'

/** Where a failure happened, to name it in the message. */
export interface FailureContext {
  server: string
  /** What was being done: "starting", "calling tool 'echo'", "listing tools". */
  action: string
  timeoutMs: number
  /** Masked in the message. */
  secrets: readonly string[]
  signal?: AbortSignal
  /** The last lines the server wrote to stderr, for a server that exited. */
  stderr?: string
}

/** The transport is gone (a process that exited, an HTTP server that went away): the next use reconnects. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed
  return (
    error instanceof StreamableHTTPError ||
    error instanceof SseError ||
    error instanceof TypeError || // fetch failed
    (error instanceof Error && /not connected/i.test(error.message))
  )
}

/** A Streamable HTTP server that no longer knows the session answers 404. */
export function isSessionLost(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404
}

/**
 * Maps what the SDK threw to aimux's typed errors, with the server and the action named and every
 * secret of the server's configuration masked: a timeout is a TimeoutError, a lost or refused
 * connection a ConnectionError, a command that cannot be started a ConfigError, and an error the
 * server answered with a ToolError.
 */
export function mcpFailure(error: unknown, where: FailureContext): AimuxError {
  if (AimuxError.is(error)) return error
  const mask = (text: string) => redactSecrets(text, where.secrets)
  const reason = mask(
    (error instanceof Error ? error.message : String(error)).replace(/^MCP error -?\d+: /, ''),
  )
  const prefix = `MCP server '${where.server}'`
  if (where.signal?.aborted) {
    return new AbortedError(`${prefix}: ${where.action} was aborted.`, { cause: where.signal.reason })
  }
  const timedOut =
    (error instanceof McpError && error.code === ErrorCode.RequestTimeout) ||
    (error instanceof DOMException && error.name === 'TimeoutError') // AbortSignal.timeout()
  if (timedOut) {
    return new TimeoutError(`${prefix} did not finish ${where.action} within ${where.timeoutMs} ms.`, {
      retryable: false,
    })
  }
  const errno = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  if (errno === 'ENOENT' || errno === 'EACCES') {
    return new ConfigError(`${prefix} could not be started: ${reason}`)
  }
  if (isConnectionFailure(error)) {
    const stderr = where.stderr ? ` Its last output: ${mask(where.stderr)}` : ''
    return new ConnectionError(`${prefix} failed while ${where.action}: ${reason}.${stderr}`)
  }
  return new ToolError(`${prefix} failed while ${where.action}: ${reason}`)
}
