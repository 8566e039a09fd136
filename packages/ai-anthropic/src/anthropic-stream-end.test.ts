import { AbortedError, ConnectionError, type ProviderStreamPart } from '@aimux/ai-core'
import {
  anthropicProtocol,
  createFakeServer,
  type FakeServer,
  rewriteReplies,
  testContext,
  type WireFrame,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { anthropicAdapter } from './anthropic.js'

// How a stream ends without a message_delta: cut short by the server, or by the caller's abort.
const apiKey = 'sk-ant-api03-test0123456789abcdef'
const ask = { model: 'claude-opus-5-5', messages: [{ role: 'user' as const, content: 'Hello' }] }

/** The fake server's protocol with every stream's frames passed through `frames`. */
function serverWith(frames: (all: WireFrame[]) => WireFrame[]) {
  return createFakeServer(
    rewriteReplies(anthropicProtocol(), (response) =>
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

describe('anthropic stream end', () => {
  it('is a ConnectionError naming the cut when the stream closes before message_delta', async () => {
    server = await serverWith((frames) =>
      frames.filter((frame) => !/^event: message_(delta|stop)/.test(frame.data)),
    )
    server.enqueue({ chunks: ['Half ', 'a'] })
    const { parts, error } = await collect(
      anthropicAdapter({ apiKey, baseURL: server.url }).stream(ask, testContext()),
    )
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Half ' },
      { type: 'text-delta', text: 'a' },
    ])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({
      message: 'anthropic: the stream ended before the message was complete',
      provider: 'anthropic',
      model: 'claude-opus-5-5',
      retryable: true,
    })
  })

  it('is an AbortedError when the caller aborts, even when the rest of the stream had already arrived', async () => {
    // A fetch that had read the whole body before the abort: the SDK hands out every event,
    // message_delta among them, and ends without an error.
    const realFetch = globalThis.fetch
    vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
      const response = await realFetch(...args)
      return new Response(await response.text(), { status: response.status, headers: response.headers })
    })
    server = await serverWith((frames) => frames)
    server.enqueue({ chunks: ['One ', 'two'] })
    const controller = new AbortController()
    const { parts, error } = await collect(
      anthropicAdapter({ apiKey, baseURL: server.url }).stream(
        ask,
        testContext({ signal: controller.signal }),
      ),
      () => controller.abort(),
    )
    expect(parts.some((part) => part.type === 'finish' || part.type === 'usage')).toBe(false)
    expect(AbortedError.is(error)).toBe(true)
    expect(error).toMatchObject({ provider: 'anthropic', message: 'The call was aborted.' })
  })
})
