import { z } from 'zod'
import { type AIStream, createAIStream } from './ai-stream.js'
import { estimateTokens, type TrimStrategy } from './context-window.js'
import { AimuxError, StoreError, StreamInterruptedError } from './errors.js'
import type { AssistantMessage, ContentPart, Message, UserMessage } from './message.js'
import { parseModelRef } from './model.js'
import type { ChatRequest } from './request.js'
import type { ChatResult, StepResult, StreamPart } from './result.js'
import { prepareCall, type Runtime, runChat } from './run-chat.js'
import type { ConversationRecord, MessageRecord, NewMessage, Store } from './store.js'
import { validate } from './validate.js'

export const conversationOptionsSchema = z.object({
  /** Loads the conversation with this id, or creates it with this id when there is none. */
  id: z.string().min(1).optional(),
  tenantId: z.string().min(1).optional(),
  userId: z.string().min(1).optional(),
  projectId: z.string().min(1).optional(),
  title: z.string().optional(),
  /** This conversation's model, "provider:model"; it overrides the user's preference and the default. */
  model: z.string().min(1).optional(),
  /** A system prompt, stored as the conversation's first message when it is created. */
  system: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})
export type ConversationOptions = z.input<typeof conversationOptionsSchema>

/** Per-call options of send() and stream(): anything a chat request takes but its messages and scope. */
export type SendOptions = Omit<ChatRequest, 'messages' | 'scope' | 'system'>

/** A persisted conversation: every message is written as it happens, and costs add up on the record. */
export interface Conversation {
  readonly id: string
  /** The stored record, read afresh: title, model, running total cost and message count. */
  record(): Promise<ConversationRecord>
  send(content: UserMessage['content'], options?: SendOptions): Promise<ChatResult>
  stream(content: UserMessage['content'], options?: SendOptions): AIStream
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
  if (options.model !== undefined) rt.registry.resolve(options.model)
  let record = options.id ? await store.conversations.getConversation(options.id, tenant) : undefined
  if (!record) {
    const { system, ...fields } = options
    record = await store.conversations.createConversation({ ...fields, id: options.id ?? rt.newId() })
    if (system)
      await append({ conversationId: record.id, role: 'system', content: [{ type: 'text', text: system }] })
  }
  const id = record.id

  function append(message: Omit<NewMessage, 'id'>): Promise<MessageRecord> {
    return store.conversations.appendMessage({ ...message, id: rt.newId() })
  }

  async function chooseModel(
    own: string | undefined,
    current: ConversationRecord,
  ): Promise<string | undefined> {
    if (own ?? current.model) return own ?? current.model
    if (current.userId === undefined) return rt.defaultModel
    const key =
      current.tenantId === undefined
        ? { userId: current.userId }
        : { tenantId: current.tenantId, userId: current.userId }
    return (await store.conversations.getPreferences(key))?.model ?? rt.defaultModel
  }

  async function fit(messages: Message[], model: string | undefined, maxOutputTokens: number | undefined) {
    const ref = model ? parseModelRef(model) : undefined
    const info = ref ? await store.catalog.getModel(ref.provider, ref.model) : undefined
    if (!info?.contextWindow) return messages
    const reserve = Math.min(
      maxOutputTokens ?? info.maxOutputTokens ?? 1024,
      Math.floor(info.contextWindow / 2),
    )
    return deps.trim(messages, { maxInputTokens: info.contextWindow - reserve, estimateTokens })
  }

  async function* turn(content: UserMessage['content'], options: SendOptions, mode: 'generate' | 'stream') {
    const current = await store.conversations.getConversation(id, tenant)
    if (!current) throw new StoreError(`Conversation '${id}' no longer exists.`)
    const history = await store.conversations.listMessages(id, tenant)
    const user: UserMessage = { role: 'user', content }
    const model = await chooseModel(options.model, current)
    const messages = await fit([...history.flatMap(toMessage), user], model, options.maxOutputTokens)
    const scope = { ...pick(current, 'tenantId'), ...pick(current, 'userId'), ...pick(current, 'projectId') }
    const prepared = prepareCall(rt, { ...options, ...(model ? { model } : {}), messages, scope })
    const requestId = prepared.requestId
    await append({
      conversationId: id,
      role: 'user',
      content: typeof content === 'string' ? [{ type: 'text', text: content }] : content,
      requestId,
    })
    const run = runChat(rt, prepared, mode, {
      conversationId: id,
      async onToolStep(assistant, tool, step) {
        await append({ ...assistantFields(assistant, step), conversationId: id, requestId })
        await append({ conversationId: id, role: 'tool', content: tool.content, requestId })
      },
    })
    try {
      for (;;) {
        const next = await run.next()
        if (next.done) {
          const result = next.value
          const last = result.steps[result.steps.length - 1]
          await append({
            ...assistantFields({ role: 'assistant', content: result.content }, last),
            conversationId: id,
            requestId,
          })
          return result
        }
        yield next.value
      }
    } catch (error) {
      const partial = StreamInterruptedError.is(error) ? error.partialText : ''
      await append({
        conversationId: id,
        role: 'assistant',
        content: partial ? [{ type: 'text', text: partial }] : [],
        status: partial ? 'partial' : 'error',
        error: AimuxError.is(error) ? `${error.code}: ${error.message}` : String(error),
        requestId,
      })
      throw error
    } finally {
      await run.return(undefined as never)
    }
  }

  return {
    id,
    async record() {
      const current = await store.conversations.getConversation(id, tenant)
      if (!current) throw new StoreError(`Conversation '${id}' no longer exists.`)
      return current
    },
    async send(content, options = {}) {
      const run = turn(content, options, 'generate')
      for (;;) {
        const next = await run.next()
        if (next.done) return next.value
      }
    },
    stream(content, options = {}) {
      return createAIStream(turn(content, options, 'stream') as AsyncGenerator<StreamPart, ChatResult>)
    },
    messages(query = {}) {
      return store.conversations.listMessages(id, { ...query, ...tenant })
    },
    async setModel(model) {
      if (model !== undefined) rt.registry.resolve(model)
      await store.conversations.updateConversation(id, { model: model ?? null }, tenant)
    },
  }
}

function textOf(parts: readonly ContentPart[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

function pick<K extends 'tenantId' | 'userId' | 'projectId'>(record: ConversationRecord, key: K) {
  return record[key] === undefined ? {} : { [key]: record[key] }
}

function assistantFields(
  message: AssistantMessage,
  step: StepResult | undefined,
): Omit<NewMessage, 'id' | 'conversationId'> {
  const fields: Omit<NewMessage, 'id' | 'conversationId'> = {
    role: 'assistant',
    content:
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content,
  }
  if (step) {
    Object.assign(fields, {
      usage: step.usage,
      costNanoUsd: step.cost.nanoUsd,
      latencyMs: Math.round(step.latencyMs),
      provider: step.provider,
      model: step.model,
      finishReason: step.finishReason,
    })
  }
  return fields
}

/** A stored message as a message to send; failed turns are left out, partial replies kept. */
function toMessage(record: MessageRecord): Message[] {
  if (record.status === 'error') return []
  if (record.role === 'system') return [{ role: 'system', content: textOf(record.content) }]
  return [{ role: record.role, content: record.content } as Message]
}
