import { type AIStream, createAIStream } from '../call/ai-stream.js'
import { checkModelName, prepareCall, resolveAlias } from '../call/prepare-call.js'
import { drain, runChat } from '../call/run-chat.js'
import type { Runtime } from '../call/runtime.js'
import { AimuxError, StoreError } from '../errors/errors.js'
import { validate } from '../errors/validate.js'
import { heuristicEstimator, type TrimStrategy, tokenEstimatorFor } from '../spec/context-window.js'
import {
  type AssistantPart,
  type ContentPart,
  type Message,
  textOfParts,
  type UserMessage,
} from '../spec/message.js'
import { parseModelRef } from '../spec/model.js'
import type { ChatRequest } from '../spec/request.js'
import type { ChatResult, StepResult, StreamPart } from '../spec/result.js'
import type { ConversationRecord, MessageRecord, NewMessage } from '../store/conversation-store.js'
import type { Store } from '../store/store.js'
import { type ConversationOptions, conversationOptionsSchema } from './conversation-options.js'
import { createRecord, loadRecord } from './open-record.js'

export type { ConversationOptions } from './conversation-options.js'

/** Per-call options of send() and stream(): anything a chat request takes but its messages and scope. */
export type SendOptions<T = unknown> = Omit<ChatRequest<T>, 'messages' | 'scope' | 'system'>

/**
 * A persisted conversation. The user message is written before the call and the reply after it
 * (a partial reply marked 'partial' if the stream breaks or is stopped), so nothing said is lost;
 * the record keeps the running cost and message count. Turns run one at a time, in order.
 */
export interface Conversation {
  readonly id: string
  /** The stored record, read afresh: title, model, running total cost and message count. */
  record(): Promise<ConversationRecord>
  send<T = unknown>(content: UserMessage['content'], options?: SendOptions<T>): Promise<ChatResult<T>>
  /** Invalid options throw here, before anything is stored or sent. */
  stream<T = unknown>(content: UserMessage['content'], options?: SendOptions<T>): AIStream<T>
  messages(query?: { limit?: number; order?: 'oldest' | 'newest' }): Promise<MessageRecord[]>
  setModel(model: string | undefined): Promise<void>
}

export interface ConversationDeps {
  rt: Runtime
  store: Store
  trim: TrimStrategy
}

export async function openConversation(
  deps: ConversationDeps,
  input: ConversationOptions,
): Promise<Conversation> {
  const { rt, store } = deps
  const options = validate(conversationOptionsSchema, input, 'conversation options')
  const tenant = options.tenantId === undefined ? {} : { tenantId: options.tenantId }
  if (options.model !== undefined) checkModelName(rt, options.model)
  const record =
    options.id === undefined || options.create
      ? await createRecord(rt, store, options)
      : await loadRecord(store, options.id, options)
  const id = record.id
  let queue: Promise<void> = Promise.resolve()

  const append = (message: Omit<NewMessage, 'id' | 'conversationId'>) =>
    store.conversations.appendMessage({ ...message, id: rt.newId(), conversationId: id })

  async function current(): Promise<ConversationRecord> {
    const found = await store.conversations.getConversation(id, tenant)
    if (!found) throw new StoreError(`Conversation '${id}' no longer exists.`)
    return found
  }

  async function chooseModel(own: string | undefined, conversation: ConversationRecord) {
    if (own ?? conversation.model) return own ?? conversation.model
    if (conversation.userId === undefined) return rt.defaultModel
    const { tenantId, userId } = conversation
    const preferences = await store.conversations.getPreferences(
      tenantId === undefined ? { userId } : { tenantId, userId },
    )
    return preferences?.model ?? rt.defaultModel
  }

  /**
   * Cuts the history to the model's context window, when the catalog knows the window; messages
   * are counted with the model's local tokenizer when its adapter has one.
   */
  async function fit(messages: Message[], model: string | undefined, maxOutputTokens: number | undefined) {
    const ref = model ? parseModelRef(resolveAlias(rt.aliases, model)) : undefined
    const info = ref ? await store.catalog.getModel(ref.provider, ref.model) : undefined
    if (!ref || !info?.contextWindow) return messages
    const reserve = Math.min(
      maxOutputTokens ?? info.maxOutputTokens ?? 1024,
      Math.floor(info.contextWindow / 2),
    )
    const provider = rt.registry.providers().find((p) => p.id === ref.provider)
    const estimator = provider ? tokenEstimatorFor(provider, ref.model) : heuristicEstimator
    return deps.trim(messages, {
      maxInputTokens: info.contextWindow - reserve,
      estimateTokens: (message) => estimator.message(message),
    })
  }

  async function* turn(content: UserMessage['content'], options: SendOptions, mode: 'generate' | 'stream') {
    rt.ensureOpen()
    const leave = rt.inFlight.enter()
    const previous = queue
    let release!: () => void
    queue = new Promise((resolve) => {
      release = resolve
    })
    let replied = false
    let pending = ''
    let failure: unknown
    try {
      await previous
      const conversation = await current()
      const model = await chooseModel(options.model, conversation)
      const history = toMessages(await store.conversations.listMessages(id, tenant))
      const messages = await fit([...history, { role: 'user', content }], model, options.maxOutputTokens)
      const scope = scopeOf(conversation)
      const prepared = prepareCall(rt, { ...options, ...(model ? { model } : {}), messages, scope })
      const requestId = prepared.requestId
      await append({
        role: 'user',
        content: typeof content === 'string' ? [{ type: 'text', text: content }] : content,
        requestId,
      })
      const run = runChat(rt, prepared, mode, {
        conversationId: id,
        async onToolStep(assistant, tool, step) {
          await append({ ...reply(assistant.content as AssistantPart[], step), requestId })
          await append({ role: 'tool', content: tool.content, requestId })
          pending = ''
        },
        async onResult(result) {
          await append({ ...reply(result.content, result.steps[result.steps.length - 1]), requestId })
          replied = true
        },
      })
      try {
        for (;;) {
          const next = await run.next()
          if (next.done) return next.value
          if (next.value.type === 'text-delta') pending += next.value.text
          yield next.value
        }
      } catch (error) {
        failure = error
        throw error
      } finally {
        await run.return(undefined as never)
        if (!replied) {
          // The call failed or the caller stopped it: keep what was said, marked as such.
          await append({
            role: 'assistant',
            content: pending ? [{ type: 'text', text: pending }] : [],
            status: pending ? 'partial' : 'error',
            error: failure === undefined ? 'aborted: the caller stopped the stream' : describe(failure),
            requestId,
          })
        }
      }
    } finally {
      release()
      leave()
    }
  }

  return {
    id,
    record: current,
    send(content, options = {}) {
      return drain(turn(content, options as SendOptions, 'generate')) as Promise<ChatResult<never>>
    },
    stream(content, options = {}) {
      validate(rt.requestSchema, { ...options, messages: [{ role: 'user', content }] }, 'chat request')
      return createAIStream(
        turn(content, options as SendOptions, 'stream') as AsyncGenerator<StreamPart, ChatResult>,
        rt.inFlight,
      )
    },
    messages(query = {}) {
      return store.conversations.listMessages(id, { ...query, ...tenant })
    },
    async setModel(model) {
      rt.ensureOpen()
      if (model !== undefined) checkModelName(rt, model)
      await store.conversations.updateConversation(id, { model: model ?? null }, tenant)
    },
  }
}

function scopeOf(record: ConversationRecord) {
  const scope: { tenantId?: string; userId?: string; projectId?: string } = {}
  if (record.tenantId !== undefined) scope.tenantId = record.tenantId
  if (record.userId !== undefined) scope.userId = record.userId
  if (record.projectId !== undefined) scope.projectId = record.projectId
  return scope
}

function describe(error: unknown): string {
  return AimuxError.is(error) ? `${error.code}: ${error.message}` : String(error)
}

/** An assistant message with the usage, cost and latency of the step that produced it. */
function reply(
  content: AssistantPart[],
  step: StepResult | undefined,
): Omit<NewMessage, 'id' | 'conversationId'> {
  const fields: Omit<NewMessage, 'id' | 'conversationId'> = { role: 'assistant', content }
  if (!step) return fields
  return {
    ...fields,
    usage: step.usage,
    costNanoUsd: step.cost.nanoUsd,
    latencyMs: Math.round(step.latencyMs),
    provider: step.provider,
    model: step.model,
    finishReason: step.finishReason,
  }
}

/**
 * Stored messages as the history to send. Failed turns are left out and partial replies kept;
 * tool calls that no tool message answers (the loop stopped, or the caller was to run them) are
 * dropped, since providers refuse a history with unanswered tool calls.
 */
function toMessages(records: readonly MessageRecord[]): Message[] {
  const kept = records.filter((r) => r.status !== 'error')
  return kept.flatMap((record, index): Message[] => {
    if (record.role === 'system') return [{ role: 'system', content: textOfParts(record.content) }]
    if (record.role !== 'assistant') return [{ role: record.role, content: record.content } as Message]
    const answered = kept[index + 1]?.role === 'tool'
    const content = record.content.filter((part: ContentPart) => answered || part.type !== 'tool-call')
    return content.length > 0 ? [{ role: 'assistant', content } as Message] : []
  })
}
