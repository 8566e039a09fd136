import { ConfigError, type ToolCall } from '@aimux/ai-core'
import { parseRetryAfter } from '@aimux/ai-core/provider-kit'
import type { ConformanceTarget } from './provider-conformance.js'
import {
  createScript,
  isScriptedDrop,
  isScriptedError,
  type ResolvedReply,
  resolveReply,
  type ScriptedError,
  type ScriptedTurn,
} from './scripted-turn.js'

/** One model call's scripted answer, for an in-process backend to act out in its own terms. */
export type ScriptedAnswer =
  | { type: 'reply'; reply: ResolvedReply }
  /** An HTTP-like failure; `retryAfterMs` is filled in from a `retry-after` header too. */
  | { type: 'error'; error: ScriptedError['error'] }
  /** The backend is gone before it answers, as a connection closed without an answer. */
  | { type: 'drop' }

/** What {@link ScriptedBackend.play} yields, in order: reasoning, text, then tool calls. */
export type ScriptedEvent =
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  | { type: 'tool-call'; toolCall: ToolCall }

/** Thrown by {@link ScriptedBackend.play} where a reply scripts `breakAfterChunks`. */
export class ScriptedStreamBreak extends Error {
  constructor(chunks: number) {
    super(`the scripted stream broke after ${chunks} chunks`)
    this.name = 'ScriptedStreamBreak'
  }
}

/** The scripted side of an in-process provider: what its SDK or engine would answer. */
export interface ScriptedBackend {
  /** Scripts the answers of the next calls, in order (the suite calls it through `script`). */
  enqueue(...turns: ScriptedTurn[]): void
  /**
   * The next call's answer, after the reply's `delayMs`. A call whose signal is aborted (before
   * or while it waits) rejects with the signal's reason; one aborted before it starts leaves the
   * script untouched, as a request never sent would. A call with nothing scripted is a ConfigError.
   */
  answer(signal: AbortSignal): Promise<ScriptedAnswer>
  /**
   * A reply as a stream would deliver it: each reasoning chunk, then each text chunk (the first at
   * once, every later chunk after `chunkDelayMs`), then the tool calls. It throws a
   * {@link ScriptedStreamBreak} after `breakAfterChunks` text chunks, and the signal's reason
   * when the signal aborts.
   */
  play(reply: ResolvedReply, signal: AbortSignal): AsyncGenerator<ScriptedEvent>
  /** Scripted answers not taken yet. */
  readonly pending: number
}

/** What the test builds around the backend: the adapter under test, its key, and how to close it. */
export type ScriptedSetup = Omit<ConformanceTarget, 'script'>

/**
 * The `setup` of {@link providerConformance} for a provider with no HTTP wire to fake: an adapter
 * running in-process, or over an SDK that cannot be pointed at a fake server. `build` makes the
 * adapter over a {@link ScriptedBackend} (a stand-in for the SDK or engine it calls) that answers
 * with the turns the suite scripts; the adapter's own translation and error mapping are what the
 * suite then checks.
 *
 * @example
 * providerConformance({
 *   name: 'local-llm',
 *   setup: scriptedTarget((backend) => ({ provider: localLLMAdapter({ engine: fakeEngine(backend) }) })),
 * })
 */
export function scriptedTarget(
  build: (backend: ScriptedBackend) => ScriptedSetup | Promise<ScriptedSetup>,
): () => Promise<ConformanceTarget> {
  return async () => {
    const backend = scriptedBackend()
    return { ...(await build(backend)), script: backend }
  }
}

/** A {@link ScriptedBackend} on its own, for a test that drives an in-process adapter without the suite. */
export function scriptedBackend(): ScriptedBackend {
  const script = createScript()
  return {
    enqueue(...turns) {
      script.enqueue(...turns)
    },
    async answer(signal) {
      signal.throwIfAborted()
      const taken = script.take()
      if (!taken) throw new ConfigError('scripted backend: no scripted answer left')
      const { turn, number } = taken
      if (isScriptedDrop(turn)) return { type: 'drop' }
      if (isScriptedError(turn)) {
        const retryAfterMs = turn.error.retryAfterMs ?? parseRetryAfter(turn.error.headers)
        return {
          type: 'error',
          error: { ...turn.error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        }
      }
      const reply = resolveReply(turn, number)
      await sleep(reply.delayMs, signal)
      return { type: 'reply', reply }
    },
    async *play(reply, signal) {
      let chunks = 0
      const pace = () => sleep(chunks++ === 0 ? 0 : reply.chunkDelayMs, signal)
      for (const text of reply.reasoningChunks) {
        await pace()
        yield { type: 'reasoning', text }
      }
      const { breakAfterChunks } = reply
      for (const text of reply.textChunks.slice(0, breakAfterChunks)) {
        await pace()
        yield { type: 'text', text }
      }
      if (breakAfterChunks !== undefined) {
        throw new ScriptedStreamBreak(Math.min(breakAfterChunks, reply.textChunks.length))
      }
      for (const toolCall of reply.toolCalls) {
        signal.throwIfAborted()
        yield { type: 'tool-call', toolCall }
      }
      signal.throwIfAborted()
    },
    get pending() {
      return script.pending
    },
  }
}

/** Waits `ms`, rejecting with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    if (ms <= 0) return resolve()
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
