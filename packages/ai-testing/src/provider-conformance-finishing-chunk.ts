import { createAI, type ProviderRequest, type ProviderStreamPart } from '@aimux/ai-core'
import { expect, it } from 'vitest'
import { type Collected, expectDistinctIds, textDeltas } from './conformance-checks.js'
import type { ConformanceTarget } from './provider-conformance-options.js'
import { testContext } from './test-context.js'

/** What the cases share with the rest of {@link providerConformance}. */
export interface FinishingChunkKit {
  /** The target of the running test. */
  target: () => ConformanceTarget
  model: string
  request: (overrides?: Partial<ProviderRequest>) => ProviderRequest
  /** A request offering the get_weather and get_time tools. */
  toolRequest: () => ProviderRequest
  collect: (stream: AsyncIterable<ProviderStreamPart>) => Promise<Collected<ProviderStreamPart>>
  tools: boolean
  testTimeoutMs: number
}

/**
 * The cases for a wire whose servers may send the last text, or the last piece of a tool call,
 * in the same chunk as the finish reason: an adapter that reads the finish reason and drops the
 * rest of that chunk loses the last words of a reply. The scripted replies ask the fake server
 * for such a chunk with `finishWithLastChunk`.
 */
export function finishingChunkCases(kit: FinishingChunkKit): void {
  const { collect, request, testTimeoutMs } = kit

  it(
    'keeps the text of the chunk that carries the finish reason',
    async () => {
      const chunks = ['The last ', 'words.']
      kit.target().script.enqueue({ chunks, finishWithLastChunk: true })
      const { parts, error } = await collect(kit.target().provider.stream(request(), testContext()))
      expect(error).toBeUndefined()
      expect(textDeltas(parts)).toEqual(chunks)
      expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1)
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    },
    testTimeoutMs,
  )

  it(
    'keeps a one-chunk reply that carries a length finish reason',
    async () => {
      kit
        .target()
        .script.enqueue({ chunks: ['Cut short'], finishReason: 'length', finishWithLastChunk: true })
      const { parts, error } = await collect(
        kit.target().provider.stream(request({ maxOutputTokens: 5 }), testContext()),
      )
      expect(error).toBeUndefined()
      expect(textDeltas(parts)).toEqual(['Cut short'])
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'length' })
    },
    testTimeoutMs,
  )

  it(
    'gives ai.stream() the whole text when the last words come with the finish reason',
    async () => {
      kit.target().script.enqueue({ chunks: ['All ', 'of ', 'it.'], finishWithLastChunk: true })
      const { provider } = kit.target()
      const ai = await createAI({
        plugins: [{ name: `conformance:${provider.id}`, setup: (host) => host.registerProvider(provider) }],
        defaultModel: `${provider.id}:${kit.model}`,
      })
      try {
        const result = await ai.stream({ messages: [{ role: 'user', content: 'Hello there' }] }).result
        expect(result).toMatchObject({ text: 'All of it.', finishReason: 'stop' })
      } finally {
        await ai.close()
      }
    },
    testTimeoutMs,
  )

  if (!kit.tools) return
  it(
    'assembles the tool calls when their last piece comes with the finish reason',
    async () => {
      const weather = { city: 'Oslo', days: 2 }
      const time = { zone: 'Europe/Oslo' }
      kit.target().script.enqueue({
        text: 'Let me check.',
        toolCalls: [
          { name: 'get_weather', args: weather },
          { name: 'get_time', args: time },
        ],
        finishWithLastChunk: true,
      })
      const { parts, error } = await collect(kit.target().provider.stream(kit.toolRequest(), testContext()))
      expect(error).toBeUndefined()
      expect(textDeltas(parts).join('')).toBe('Let me check.')
      const calls = parts.flatMap((part) => (part.type === 'tool-call' ? [part.toolCall] : []))
      expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([
        { name: 'get_weather', args: weather },
        { name: 'get_time', args: time },
      ])
      expectDistinctIds(calls)
      expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' })
    },
    testTimeoutMs,
  )
}
