import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConnectionError, type ProviderStreamPart } from '@aimux/ai-core'
import { testContext } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { geminiAdapter } from './gemini.js'
import { geminiError } from './gemini-error.js'

const apiKey = 'AIzaSyTest0123456789abcdefghijklmnopqrs'

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** A server that answers every request with this SSE body, whole, then ends it. */
async function sseServer(body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const ask = { model: 'gemini-3.8-flash', messages: [{ role: 'user' as const, content: 'Hello' }] }
const event = (text: string) =>
  `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0 }] })}\r\n\r\n`

describe('gemini stream errors', () => {
  it('maps a stream that ends part-way through an event to a retryable ConnectionError', async () => {
    const whole = event('Beta ')
    const url = await sseServer(`${event('Alpha ')}${whole.slice(0, whole.length / 2)}`)
    const adapter = geminiAdapter({ apiKey, baseURL: url })
    const parts: ProviderStreamPart[] = []
    const error = await (async () => {
      for await (const part of adapter.stream(ask, testContext())) parts.push(part)
    })().then(
      () => expect.fail('expected the stream to fail'),
      (thrown: unknown) => thrown,
    )
    expect(parts).toEqual([{ type: 'text-delta', text: 'Alpha ' }])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({
      retryable: true,
      provider: 'gemini',
      model: 'gemini-3.8-flash',
      message: 'gemini: the stream ended in the middle of an event',
    })
  })

  it("recognises the SDK's error for a cut stream by its message only", () => {
    const context = { signal: new AbortController().signal, apiKey }
    const cut = geminiError(new Error('Incomplete JSON segment at the end'), context)
    expect(ConnectionError.is(cut)).toBe(true)
    const other = geminiError(new Error('Incomplete JSON segment at the end, and more'), context)
    expect(ConnectionError.is(other)).toBe(false)
  })
})
