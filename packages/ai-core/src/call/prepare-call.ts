import type { z } from 'zod'
import { ConfigError, ValidationError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import type { ModelGroup } from '../middleware/router.js'
import type { Message } from '../spec/message.js'
import { parseModelRef } from '../spec/model.js'
import { type CallPolicy, retryPolicySchema } from '../spec/policy.js'
import type { ProviderAdapter, ProviderRequest } from '../spec/provider.js'
import type { ChatRequest } from '../spec/request.js'
import type { Scope } from '../spec/scope.js'
import { type Tool, toToolSpec } from '../spec/tool.js'
import type { Runtime } from './runtime.js'
import { responseFormatFor } from './structured-output.js'

/** A validated request, resolved against the registry, ready to run. */
export interface PreparedCall {
  requestId: string
  scope: Scope
  provider: ProviderAdapter
  model: string
  base: Omit<ProviderRequest, 'messages'>
  messages: Message[]
  tools: Map<string, Tool>
  maxSteps: number
  /** The request as validated, plugin fields included, for request hooks. */
  request: ChatRequest
  schema: z.ZodType | undefined
  signal: AbortSignal | undefined
  policy: CallPolicy
  /** When the request named a group ("@name"): the group, ordered by its strategy when the call runs. */
  group?: { name: string; group: ModelGroup }
  totalTimeoutMs: number | undefined
  metadata: Record<string, unknown>
}

/** Validates and resolves a request; every mistake is reported here, before anything is sent. */
export function prepareCall(rt: Runtime, input: ChatRequest): PreparedCall {
  const req = validate(rt.requestSchema, input, 'chat request')
  const named = req.model ?? rt.defaultModel
  if (!named)
    throw new ConfigError('No model: pass `model: "provider:model"` or set `defaultModel` in createAI().')
  const ref = modelRef(rt, named)
  const group = isGroupRef(ref) ? groupOf(rt, ref.slice(1)) : undefined
  const { provider, model } = rt.registry.resolve(group ? memberRef(group.models[0]!) : ref)
  const tools = new Map<string, Tool>()
  addTools(
    tools,
    (input.tools ?? []).map((t) => (typeof t === 'string' ? rt.registry.tool(t) : (t as Tool))),
  )
  const choice = input.toolChoice
  // Request hooks may still add tools; the choice is checked once they have run.
  if (rt.requestHooks.length === 0) checkToolChoice(choice, tools)
  const base: Omit<ProviderRequest, 'messages'> = { model }
  if (tools.size > 0) base.tools = [...tools.values()].map(toToolSpec)
  if (choice !== undefined) base.toolChoice = choice
  if (req.schema && req.responseFormat)
    throw new ValidationError('Invalid chat request: responseFormat: give it or `schema`, not both')
  if (req.schema) base.responseFormat = responseFormatFor(req.schema, req.schemaName)
  else if (req.responseFormat) base.responseFormat = req.responseFormat as ProviderRequest['responseFormat']
  if (req.temperature !== undefined) base.temperature = req.temperature
  if (req.topP !== undefined) base.topP = req.topP
  if (req.maxOutputTokens !== undefined) base.maxOutputTokens = req.maxOutputTokens
  const stop = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (stop?.length) base.stop = stop
  if (req.seed !== undefined) base.seed = req.seed
  if (req.reasoning !== undefined) base.reasoning = req.reasoning
  if (req.providerOptions !== undefined) base.providerOptions = req.providerOptions
  const executable = [...tools.values()].some((t) => t.execute)
  const fallbacks = req.fallbacks?.map((name, i) => fallbackRef(rt, name, i))
  for (const fallback of fallbacks ?? []) rt.registry.resolve(fallback)
  const retry =
    req.retry === false
      ? false
      : req.retry === undefined
        ? rt.retry
        : { ...(rt.retry || defaultRetry), ...req.retry }
  const policy: CallPolicy = { retry }
  const attemptMs = req.timeout?.attemptMs ?? rt.timeout.attemptMs
  if (attemptMs !== undefined) policy.attemptTimeoutMs = attemptMs
  if (fallbacks) policy.fallbacks = fallbacks
  if (req.cache === false) policy.cache = false
  return {
    requestId: req.requestId ?? rt.newId(),
    scope: req.scope ?? {},
    provider,
    model,
    base,
    messages: req.system ? [{ role: 'system', content: req.system }, ...req.messages] : req.messages,
    tools,
    maxSteps: req.maxSteps ?? (executable ? rt.maxSteps : 1),
    request: req as ChatRequest,
    schema: req.schema,
    signal: req.signal,
    policy,
    ...(group ? { group: { name: ref.slice(1), group } } : {}),
    totalTimeoutMs: req.timeout?.totalMs ?? rt.timeout.totalMs,
    metadata: req.metadata ?? {},
  }
}

const defaultRetry = retryPolicySchema.parse({})

/** Adds tools to a request's; a name listed twice is a ValidationError. */
export function addTools(tools: Map<string, Tool>, added: readonly Tool[]) {
  for (const tool of added) {
    if (tools.has(tool.name))
      throw new ValidationError(`Invalid chat request: tools: '${tool.name}' is listed twice`)
    tools.set(tool.name, tool)
  }
}

/** A toolChoice needs tools, and a named choice needs that tool. */
export function checkToolChoice(choice: ChatRequest['toolChoice'], tools: ReadonlyMap<string, Tool>) {
  if (choice !== undefined && choice !== 'none' && tools.size === 0) {
    throw new ValidationError('Invalid chat request: toolChoice: there are no tools to choose from')
  }
  if (typeof choice === 'object' && !tools.has(choice.name)) {
    throw new ValidationError(
      `Invalid chat request: toolChoice: '${choice.name}' is not among the request's tools`,
    )
  }
}

/** Whether a model name is a group's: "@name". */
export function isGroupRef(ref: string): boolean {
  return ref.length > 1 && ref.startsWith('@')
}

/** What an alias names ("provider:model" or "@group"); any other name as it is. */
export function resolveAlias(aliases: Readonly<Record<string, string>>, name: string): string {
  return Object.hasOwn(aliases, name) ? aliases[name]! : name
}

/** A request's model with its alias resolved; a name that is no alias nor model lists the aliases. */
function modelRef(rt: Runtime, name: string): string {
  const ref = resolveAlias(rt.aliases, name)
  const aliases = Object.keys(rt.aliases)
  if (ref === name && aliases.length > 0 && !isGroupRef(ref) && parseModelRef(ref) === undefined) {
    throw new ValidationError(
      `Invalid model '${name}': it is no alias (${aliases.join(', ')}); write a model as "provider:model", e.g. "openai:gpt-4o-mini".`,
    )
  }
  return ref
}

/**
 * Checks a model name as a request would take it (an alias, "@group" or "provider:model"), for
 * what stores one to use later: a user's or a conversation's model.
 */
export function checkModelName(rt: Runtime, name: string): void {
  const ref = modelRef(rt, name)
  if (isGroupRef(ref)) groupOf(rt, ref.slice(1))
  else rt.registry.resolve(ref)
}

/** A request's fallback with its alias resolved; a fallback is one model, so not a group's alias. */
function fallbackRef(rt: Runtime, name: string, index: number): string {
  const ref = resolveAlias(rt.aliases, name)
  if (isGroupRef(ref)) {
    throw new ValidationError(
      `Invalid chat request: fallbacks[${index}]: '${name}' names the group '${ref}', but a fallback is one "provider:model"`,
    )
  }
  return ref
}

function groupOf(rt: Runtime, name: string): ModelGroup {
  const group = rt.groups[name]
  if (!group) {
    const known =
      Object.keys(rt.groups)
        .map((g) => `@${g}`)
        .join(', ') || 'none'
    throw new ConfigError(`Unknown model group '@${name}'. Groups: ${known}.`)
  }
  return group
}

/** The "provider:model" of a group member, whether written as a string or with its weight. */
export function memberRef(member: ModelGroup['models'][number]): string {
  return typeof member === 'string' ? member : member.model
}
