import type { Message } from '../spec/message.js'
import type { ChatRequest } from '../spec/request.js'
import type { Scope } from '../spec/scope.js'
import { type AnyTool, type Tool, toToolSpec } from '../spec/tool.js'
import type { AroundRequest } from './around-request.js'
import { addTools, checkToolChoice, type PreparedCall } from './prepare-call.js'
import type { Runtime } from './runtime.js'

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
  /**
   * Adds `by` (default 1) to a named count on the request's usage record (`counts`), e.g.
   * `count('guardrails.redacted.email', 2)`. Counts only, never data; prefix names with the
   * plugin's. Callable until the request ends, from the plugin's middleware too.
   */
  count(name: string, by?: number): void
}

/** What a request hook adds to the request. */
export interface RequestAdditions {
  /** More tools; a name already on the request is a ValidationError. */
  tools?: AnyTool[]
  /** Context for the model, sent as a system message after the request's own system prompt. */
  system?: string
  /** Runs this request's attempts and tool calls, and hears how it ended (a tracing plugin's span). */
  around?: AroundRequest
}

/**
 * Runs once per request, before routing, budgets and the first model call; registered with
 * `host.onRequest()`. An error it throws fails the request, which is recorded like any other.
 */
export type RequestHook = (
  input: RequestHookInput,
) => RequestAdditions | undefined | Promise<RequestAdditions | undefined>

/**
 * Runs the plugins' request hooks: their tools join the request's, their context follows its
 * system prompt, and each `around` is added to `held` as soon as its hook returns.
 */
export async function applyRequestHooks(
  rt: Runtime,
  p: PreparedCall,
  messages: Message[],
  signal: AbortSignal,
  conversationId: string | undefined,
  held: AroundRequest[],
  count: RequestHookInput['count'],
) {
  if (rt.requestHooks.length === 0) return
  const context: Message[] = []
  for (const hook of rt.requestHooks) {
    const added = await hook({
      requestId: p.requestId,
      scope: p.scope,
      signal,
      request: p.request,
      messages: [...messages],
      count,
      ...(conversationId ? { conversationId } : {}),
    })
    if (added?.around) held.push(added.around)
    addTools(p.tools, (added?.tools ?? []) as Tool[])
    if (added?.system) context.push({ role: 'system', content: added.system })
  }
  checkToolChoice(p.request.toolChoice, p.tools)
  if (p.tools.size > 0) p.base.tools = [...p.tools.values()].map(toToolSpec)
  if (p.request.maxSteps === undefined && [...p.tools.values()].some((t) => t.execute))
    p.maxSteps = Math.max(p.maxSteps, rt.maxSteps)
  const firstNonSystem = messages.findIndex((m) => m.role !== 'system')
  messages.splice(firstNonSystem === -1 ? messages.length : firstNonSystem, 0, ...context)
}
