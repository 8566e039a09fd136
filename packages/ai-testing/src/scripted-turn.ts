import {
  ConfigError,
  type FinishReason,
  type ProviderMetadata,
  type ToolCall,
  type Usage,
} from '@aimux/ai-core'
import { normalizeUsage } from '@aimux/ai-core/provider-kit'

/** A tool call the model makes in a scripted reply; `id` defaults to a deterministic `call_<turn>_<n>`. */
export interface ScriptedToolCall {
  id?: string
  name: string
  args: unknown
  /** Provider extras on the call, such as a Gemini thought signature (the mock returns them as they are). */
  providerMetadata?: ProviderMetadata
}

/** A successful model reply. */
export interface ScriptedReply {
  text?: string
  reasoning?: string
  /** How the text is streamed; their concatenation is the text when `text` is not given. */
  chunks?: string[]
  toolCalls?: ScriptedToolCall[]
  /** Default: 'tool-calls' when there are tool calls, else 'stop'. */
  finishReason?: FinishReason
  /** Default: 10 input tokens and about one output token per 4 characters generated. */
  usage?: Partial<Usage>
  /** The provider's own reported cost, as OpenRouter reports one. */
  costNanoUsd?: number
  /** The model that served, when it differs from the requested one. */
  model?: string
  /** Wait before answering at all. */
  delayMs?: number
  /** Wait before each streamed chunk after the first. */
  chunkDelayMs?: number
  /** Break the stream (or the response body) after this many text chunks. */
  breakAfterChunks?: number
  /**
   * How a fake server streams the end: the last text chunk (or, with tool calls, the last piece
   * of a tool call) in the same chunk as the finish reason, as some servers send it, instead of
   * the finish reason in a chunk of its own. Honoured by the protocols whose wire has such a chunk:
   * OpenAI Chat Completions (with its xAI and OpenRouter dialects) and Gemini; the mock provider
   * ignores it. Default: the protocol's own `finishWithLastChunk` option, else false.
   */
  finishWithLastChunk?: boolean
}

/** An HTTP error answer. */
export interface ScriptedError {
  error: {
    status: number
    message?: string
    code?: string
    type?: string
    /** Sent as a `retry-after` header (whole seconds, rounded up) unless `headers` has one. */
    retryAfterMs?: number
    headers?: Record<string, string>
  }
}

/** The connection is closed without any answer. */
export interface ScriptedDrop {
  dropConnection: true
}

/** One scripted answer to one model call, shared by the mock provider and the fake servers. */
export type ScriptedTurn = ScriptedReply | ScriptedError | ScriptedDrop

export function isScriptedError(turn: ScriptedTurn): turn is ScriptedError {
  return 'error' in turn
}

export function isScriptedDrop(turn: ScriptedTurn): turn is ScriptedDrop {
  return 'dropConnection' in turn
}

/** A scripted reply with every default filled in, ready to render. */
export interface ResolvedReply {
  text: string
  reasoning: string
  textChunks: string[]
  reasoningChunks: string[]
  toolCalls: ToolCall[]
  finishReason: FinishReason
  usage: Usage
  costNanoUsd?: number
  model?: string
  delayMs: number
  chunkDelayMs: number
  breakAfterChunks?: number
  finishWithLastChunk?: boolean
}

/** Splits text the way a model streams it: a word with its surrounding spaces per chunk. */
export function splitIntoChunks(text: string): string[] {
  if (text === '') return []
  return text.match(/\s*\S+\s*/g) ?? [text]
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4)

/** Fills in the defaults of a reply; `turnNumber` makes the default tool call ids unique. */
export function resolveReply(reply: ScriptedReply, turnNumber: number): ResolvedReply {
  const fromChunks = reply.chunks?.join('')
  if (reply.text !== undefined && fromChunks !== undefined && reply.text !== fromChunks) {
    throw new ConfigError(`Scripted reply: chunks join to ${JSON.stringify(fromChunks)}, not the text`)
  }
  const text = reply.text ?? fromChunks ?? ''
  const reasoning = reply.reasoning ?? ''
  const toolCalls = (reply.toolCalls ?? []).map(
    (call, index): ToolCall => ({
      id: call.id ?? `call_${turnNumber}_${index + 1}`,
      name: call.name,
      args: call.args,
      ...(call.providerMetadata ? { providerMetadata: call.providerMetadata } : {}),
    }),
  )
  const generated = text + reasoning + toolCalls.map((call) => call.name + JSON.stringify(call.args)).join('')
  const outputTokens = reply.usage?.outputTokens ?? Math.max(1, estimateTokens(generated))
  const defaults = {
    inputTokens: 10,
    outputTokens,
    reasoningTokens: Math.min(estimateTokens(reasoning), outputTokens),
  }
  const resolved: ResolvedReply = {
    text,
    reasoning,
    textChunks: reply.chunks ?? splitIntoChunks(text),
    reasoningChunks: splitIntoChunks(reasoning),
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'),
    usage: normalizeUsage({ ...defaults, ...reply.usage }),
    delayMs: reply.delayMs ?? 0,
    chunkDelayMs: reply.chunkDelayMs ?? 0,
  }
  if (reply.costNanoUsd !== undefined) resolved.costNanoUsd = reply.costNanoUsd
  if (reply.model !== undefined) resolved.model = reply.model
  if (reply.breakAfterChunks !== undefined) resolved.breakAfterChunks = reply.breakAfterChunks
  if (reply.finishWithLastChunk !== undefined) resolved.finishWithLastChunk = reply.finishWithLastChunk
  return resolved
}

/** A turn taken from a script, with its 1-based number. */
export interface TakenTurn {
  turn: ScriptedTurn
  number: number
}

/** A FIFO of scripted turns; `take()` falls back to the default turn, else returns undefined. */
export interface Script {
  enqueue(...turns: ScriptedTurn[]): void
  take(): TakenTurn | undefined
  readonly pending: number
  clear(): void
}

export function createScript(defaultTurn?: ScriptedTurn): Script {
  const queue: ScriptedTurn[] = []
  let taken = 0
  return {
    enqueue(...turns) {
      queue.push(...turns)
    },
    take() {
      const turn = queue.shift() ?? defaultTurn
      if (turn === undefined) return undefined
      taken += 1
      return { turn, number: taken }
    },
    get pending() {
      return queue.length
    },
    clear() {
      queue.length = 0
      taken = 0
    },
  }
}
