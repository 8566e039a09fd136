import type { Message } from '../spec/message.js'
import type { ChatRequest } from '../spec/request.js'
import type { Scope } from '../spec/scope.js'
import type { AnyTool } from '../spec/tool.js'

/** What a request hook sees: the validated request (plugin fields included) before its first model call. */
export interface RequestHookInput {
  requestId: string
  scope: Scope
  /** Aborts when the caller aborts or the total timeout fires. */
  signal: AbortSignal
  conversationId?: string
  request: Readonly<ChatRequest>
  /** The messages the first model call will send, system prompt and conversation history included. */
  messages: readonly Message[]
}

/** What a request hook adds to the request. */
export interface RequestAdditions {
  /** More tools; a name already on the request is a ValidationError. */
  tools?: AnyTool[]
  /** Context for the model, sent as a system message after the request's own system prompt. */
  system?: string
}

/**
 * Runs once per request, before routing, budgets and the first model call; registered with
 * `host.onRequest()`. An error it throws fails the request, which is recorded like any other.
 */
export type RequestHook = (
  input: RequestHookInput,
) => RequestAdditions | undefined | Promise<RequestAdditions | undefined>
