import {
  AbortedError,
  type AssistantPart,
  type CallContext,
  type Capabilities,
  ConnectionError,
  defineProvider,
  type Plugin,
  type PriceEntryInput,
  type ProviderAdapter,
  ProviderError,
  type ProviderModelInfo,
  type ProviderRequest,
  type ProviderResult,
  type ProviderStreamPart,
} from '@aimux/ai-core'
import { errorFromStatus, parseRetryAfter } from '@aimux/ai-core/provider-kit'
import {
  createScript,
  isScriptedDrop,
  isScriptedError,
  type ResolvedReply,
  resolveReply,
  type ScriptedTurn,
  type TakenTurn,
} from './scripted-turn.js'

export interface MockProviderOptions {
  /** The provider id, as in "mock:mock-model". Default 'mock'. */
  id?: string
  /** What listModels() returns. Default: one model, 'mock-model'. */
  models?: ProviderModelInfo[]
  prices?: PriceEntryInput[]
  /** Default: every capability. */
  capabilities?: Capabilities
  /** Answers every call once the scripted turns run out; without it, such a call throws. */
  defaultTurn?: ScriptedTurn
}

/** One call the mock received, recorded before it is answered. */
export interface MockCall {
  mode: 'generate' | 'stream'
  request: ProviderRequest
  ctx: CallContext
}

/** A scripted provider: a plugin registering `adapter`, which answers with the enqueued turns in order. */
export interface MockProvider extends Plugin {
  readonly id: string
  readonly adapter: ProviderAdapter
  enqueue(...turns: ScriptedTurn[]): void
  readonly calls: readonly MockCall[]
  /** Scripted turns not answered yet. */
  readonly pending: number
  /** Forgets the scripted turns and the recorded calls. */
  reset(): void
}

/**
 * A provider that answers from a script, with the same typed errors, stream parts and abort
 * behaviour as a real adapter.
 *
 * @example
 * const mock = mockProvider()
 * mock.enqueue({ text: 'Hello!' }, { error: { status: 429, retryAfterMs: 1000 } })
 * const ai = await createAI({ plugins: [mock], defaultModel: 'mock:mock-model' })
 */
export function mockProvider(options: MockProviderOptions = {}): MockProvider {
  const id = options.id ?? 'mock'
  const script = createScript(options.defaultTurn)
  const calls: MockCall[] = []
  const models = options.models ?? [{ id: 'mock-model' }]

  const aborted = (signal: AbortSignal) =>
    new AbortedError(`mock provider ${id}: the call was aborted`, { provider: id, cause: signal.reason })
  const throwIfAborted = (signal: AbortSignal) => {
    if (signal.aborted) throw aborted(signal)
  }
  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(aborted(signal))
      if (ms <= 0) return resolve()
      const onAbort = () => {
        clearTimeout(timer)
        reject(aborted(signal))
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal.addEventListener('abort', onAbort, { once: true })
    })

  /** A call aborted before it starts leaves the script untouched, as a request never sent would. */
  const takeTurn = (ctx: CallContext) => (ctx.signal.aborted ? undefined : script.take())

  /** Waits out the turn's delay and throws what an error turn scripts; returns the reply otherwise. */
  async function answer(
    taken: TakenTurn | undefined,
    request: ProviderRequest,
    ctx: CallContext,
  ): Promise<ResolvedReply> {
    throwIfAborted(ctx.signal)
    if (!taken) throw new ProviderError(`mock provider ${id} has no scripted reply left`, { provider: id })
    const { turn, number } = taken
    const where = { provider: id, model: request.model }
    if (isScriptedDrop(turn)) {
      throw new ConnectionError(`mock provider ${id}: the connection closed without an answer`, where)
    }
    if (isScriptedError(turn)) {
      const { status, headers, ...details } = turn.error
      throw errorFromStatus(status, {
        ...details,
        ...where,
        retryAfterMs: details.retryAfterMs ?? parseRetryAfter(headers),
      })
    }
    const reply = resolveReply(turn, number)
    await sleep(reply.delayMs, ctx.signal)
    return reply
  }

  async function* streamReply(
    taken: TakenTurn | undefined,
    request: ProviderRequest,
    ctx: CallContext,
  ): AsyncGenerator<ProviderStreamPart> {
    const reply = await answer(taken, request, ctx)
    let chunksSent = 0
    const pace = () => sleep(chunksSent++ === 0 ? 0 : reply.chunkDelayMs, ctx.signal)

    for (const text of reply.reasoningChunks) {
      await pace()
      yield { type: 'reasoning-delta', text }
    }
    const { breakAfterChunks } = reply
    for (const text of reply.textChunks.slice(0, breakAfterChunks)) {
      await pace()
      yield { type: 'text-delta', text }
    }
    if (breakAfterChunks !== undefined) {
      // As a real adapter does: a typed error; the core makes it a StreamInterruptedError.
      throw new ConnectionError(
        `mock provider ${id}: the stream broke after ${Math.min(breakAfterChunks, reply.textChunks.length)} chunks`,
        { provider: id, model: request.model },
      )
    }
    for (const toolCall of reply.toolCalls) {
      throwIfAborted(ctx.signal)
      yield { type: 'tool-call', toolCall }
    }
    throwIfAborted(ctx.signal)
    yield reply.costNanoUsd === undefined
      ? { type: 'usage', usage: reply.usage }
      : { type: 'usage', usage: reply.usage, costNanoUsd: reply.costNanoUsd }
    throwIfAborted(ctx.signal)
    yield { type: 'finish', finishReason: reply.finishReason, ...(reply.model ? { model: reply.model } : {}) }
  }

  const adapter = defineProvider({
    id,
    capabilities: options.capabilities ?? {
      streaming: true,
      tools: true,
      vision: true,
      json: true,
      reasoning: true,
    },
    ...(options.prices ? { prices: options.prices } : {}),
    async generate(request, ctx) {
      calls.push({ mode: 'generate', request, ctx })
      const reply = await answer(takeTurn(ctx), request, ctx)
      if (reply.breakAfterChunks !== undefined) {
        const message = `mock provider ${id}: the connection closed before the reply was complete`
        throw new ConnectionError(message, { provider: id, model: request.model })
      }
      return toResult(reply)
    },
    stream(request, ctx) {
      calls.push({ mode: 'stream', request, ctx })
      return streamReply(takeTurn(ctx), request, ctx)
    },
    async listModels() {
      return models
    },
    async validateCredentials() {},
  })

  return {
    name: `mock:${id}`,
    setup(host) {
      host.registerProvider(adapter)
    },
    id,
    adapter,
    calls,
    get pending() {
      return script.pending
    },
    enqueue(...turns) {
      script.enqueue(...turns)
    },
    reset() {
      script.clear()
      calls.length = 0
    },
  }
}

function toResult(reply: ResolvedReply): ProviderResult {
  const content: AssistantPart[] = []
  if (reply.reasoning) content.push({ type: 'reasoning', text: reply.reasoning })
  if (reply.text) content.push({ type: 'text', text: reply.text })
  for (const call of reply.toolCalls) content.push({ type: 'tool-call', ...call })
  const result: ProviderResult = { content, finishReason: reply.finishReason, usage: reply.usage }
  if (reply.costNanoUsd !== undefined) result.costNanoUsd = reply.costNanoUsd
  if (reply.model !== undefined) result.model = reply.model
  return result
}
