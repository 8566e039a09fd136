import { estimatePromptTokens, outputAllowance } from '../spec/context-window.js'
import type { Message } from '../spec/message.js'
import type { CallPolicy } from '../spec/policy.js'
import type { ProviderAdapter } from '../spec/provider.js'
import type { PreparedCall } from './prepare-call.js'
import type { Runtime } from './runtime.js'

/** The model a call starts with, and its policy (a group's other models become its fallbacks). */
export interface Route {
  provider: ProviderAdapter
  model: string
  policy: CallPolicy
}

/** Orders the request's group for this call: the first model is called, the rest are its fallbacks. */
export async function routeCall(rt: Runtime, p: PreparedCall, messages: readonly Message[]): Promise<Route> {
  if (!p.group) return { provider: p.provider, model: p.model, policy: p.policy }
  const needs = {
    tools: p.tools.size > 0,
    vision: messages.some(
      (m) => typeof m.content !== 'string' && m.content.some((part) => part.type === 'image'),
    ),
    json: p.base.responseFormat?.type === 'json',
    inputTokens: estimatePromptTokens(messages),
    // The same allowance for every model of the group, so their costs compare like for like.
    outputTokens: outputAllowance(p.base.maxOutputTokens),
  }
  const order = await rt.router.order(p.group.name, p.group.group, needs)
  rt.events.emit('route', {
    requestId: p.requestId,
    group: p.group.name,
    strategy: p.group.group.strategy,
    order,
  })
  const { provider, model } = rt.registry.resolve(order[0]!)
  return { provider, model, policy: { ...p.policy, fallbacks: p.policy.fallbacks ?? order.slice(1) } }
}
