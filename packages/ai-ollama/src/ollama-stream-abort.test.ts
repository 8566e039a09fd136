import { AbortedError, type ProviderStreamPart } from '@aimux/ai-core'
import { createFakeServer, type FakeServer, ollamaProtocol, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { ollamaAdapter } from './ollama.js'

const ask = { model: 'llama3.2:latest', messages: [{ role: 'user' as const, content: 'Hello' }] }

let server: FakeServer
beforeEach(async () => {
  server = await createFakeServer(ollamaProtocol())
})
afterEach(async () => {
  vi.unstubAllGlobals()
  await server.close()
})

it('is an AbortedError when the caller aborts a stream, even when the rest of it had already arrived', async () => {
  // A fetch that had read the whole body before the abort: the client hands out every line,
  // the done object among them, and ends without an error.
  const realFetch = globalThis.fetch
  vi.stubGlobal('fetch', async (...args: Parameters<typeof fetch>) => {
    const response = await realFetch(...args)
    return new Response(await response.text(), { status: response.status, headers: response.headers })
  })
  server.enqueue({ chunks: ['One ', 'two'] })
  const controller = new AbortController()
  const parts: ProviderStreamPart[] = []
  let error: unknown
  try {
    for await (const part of ollamaAdapter({ host: server.url }).stream(
      ask,
      testContext({ signal: controller.signal }),
    )) {
      parts.push(part)
      controller.abort()
    }
  } catch (caught) {
    error = caught
  }
  expect(parts).toEqual([
    { type: 'text-delta', text: 'One ' },
    { type: 'text-delta', text: 'two' },
  ])
  expect(AbortedError.is(error)).toBe(true)
  expect(error).toMatchObject({ provider: 'ollama', message: 'The call was aborted.' })
})
