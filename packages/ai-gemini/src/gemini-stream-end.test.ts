import { AbortedError, ConnectionError, type ProviderStreamPart } from '@aimux/ai-core'
import {
  createFakeServer,
  type FakeServer,
  geminiProtocol,
  rewriteReplies,
  testContext,
  type WireFrame,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { geminiAdapter } from './gemini.js'

// How a stream ends without a finishReason: cut short by the server, or by the caller's abort.
const apiKey = 'AIzaSyTest0123456789abcdefghijklmnopqrs'
const ask = { model: 'gemini-3.8-flash', messages: [{ role: 'user' as const, content: 'Hello' }] }

/** The fake server's protocol with every stream's frames passed through `frames`. */
function serverWith(frames: (all: WireFrame[]) => WireFrame[]) {
  return createFakeServer(
    rewriteReplies(geminiProtocol(), (response) =>
      response.type === 'stream' ? { ...response, frames: frames(response.frames) } : response,
    ),
  )
}

async function collect(
  stream: AsyncIterable<ProviderStreamPart>,
  onPart?: (part: ProviderStreamPart) => void,
) {
  const parts: ProviderStreamPart[] = []
  try {
    for await (const part of stream) {
      parts.push(part)
      onPart?.(part)
    }
    return { parts, error: undefined }
  } catch (error) {
    return { parts, error: error as Error & Record<string, unknown> }
  }
}

let server: FakeServer | undefined
afterEach(async () => {
  vi.unstubAllGlobals()
  await server?.close()
})

describe('gemini stream end', () => {
  it('is a ConnectionError naming the cut when the stream closes before a finishReason', async () => {
    server = await serverWith((frames) => frames.filter((frame) => !frame.data.includes('"finishReason"')))
    server.enqueue({ chunks: ['Half ', 'a'] })
    const { parts, error } = await collect(
      geminiAdapter({ apiKey, baseURL: server.url }).stream(ask, testContext()),
    )
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Half ' },
      { type: 'text-delta', text: 'a' },
    ])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({
      message: 'gemini: the stream ended before the answer was complete',
      provider: 'gemini',
      model: 'gemini-3.8-flash',
      retryable: true,
    })
  })

  it('is an AbortedError when the caller aborts, even when the rest of the stream had already arrived', async () => {
    // A fetch that had read the whole body before the abort: the SDK hands out every chunk,
    // the finishReason among them, and ends without an error.
    const realFetch = globalThis.fetch
    vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
      const response = await realFetch(...args)
      return new Response(await response.text(), { status: response.status, headers: response.headers })
    })
    server = await serverWith((frames) => frames)
    server.enqueue({ chunks: ['One ', 'two'] })
    const controller = new AbortController()
    const { parts, error } = await collect(
      geminiAdapter({ apiKey, baseURL: server.url }).stream(ask, testContext({ signal: controller.signal })),
      () => controller.abort(),
    )
    expect(parts.some((part) => part.type === 'finish' || part.type === 'usage')).toBe(false)
    expect(AbortedError.is(error)).toBe(true)
    expect(error).toMatchObject({ provider: 'gemini', message: 'The call was aborted.' })
  })

  it('keeps the usage and model of an earlier chunk when the last one states neither', async () => {
    server = await serverWith((frames) =>
      frames.map((frame, index) => {
        if (index < frames.length - 1) return frame
        const data = JSON.parse(frame.data.replace(/^data: /, '')) as Record<string, unknown>
        const { usageMetadata: _usage, modelVersion: _model, ...rest } = data
        return { data: `data: ${JSON.stringify(rest)}\r\n\r\n` }
      }),
    )
    server.enqueue({
      chunks: ['One ', 'two'],
      model: 'gemini-3.8-flash-001',
      usage: { inputTokens: 10, outputTokens: 5 },
    })
    const { parts, error } = await collect(
      geminiAdapter({ apiKey, baseURL: server.url }).stream(ask, testContext()),
    )
    expect(error).toBeUndefined()
    // The second text chunk's cumulative report: 10 prompt tokens, 2 candidates so far.
    expect(parts.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 10,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 2,
          reasoningTokens: 0,
          totalTokens: 12,
        },
      },
      { type: 'finish', finishReason: 'stop', model: 'gemini-3.8-flash-001' },
    ])
  })
})
