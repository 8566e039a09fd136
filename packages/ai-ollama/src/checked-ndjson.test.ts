import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { ConnectionError, InvalidResponseError, type ProviderStreamPart } from '@aimux/ai-core'
import { testContext } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkedNdjson, StreamEndedEarlyError, UnreadableLineError } from './checked-ndjson.js'
import { ollamaAdapter } from './ollama.js'

const apiKey = 'ollama-test0123456789abcdef'
const line = (text: string, done = false) =>
  `${JSON.stringify({ model: 'llama3.2:latest', message: { role: 'assistant', content: text }, done })}\n`
const lastLine = `${JSON.stringify({
  model: 'llama3.2:latest',
  message: { role: 'assistant', content: '' },
  done: true,
  done_reason: 'stop',
  prompt_eval_count: 3,
  eval_count: 2,
})}\n`

/** A body sent in these chunks. */
function bodyOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

async function read(stream: ReadableStream<Uint8Array>): Promise<{ text: string; error?: unknown }> {
  let text = ''
  const decoder = new TextDecoder()
  try {
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true })
    return { text }
  } catch (error) {
    return { text, error }
  }
}

describe('checkedNdjson', () => {
  it('passes a stream whose lines all parse, lines split across chunks included', async () => {
    const whole = `${line('Alpha ')}${line('Beta')}${lastLine}`
    const { text, error } = await read(
      checkedNdjson(bodyOf(whole.slice(0, 30), whole.slice(30, 90), whole.slice(90))),
    )
    expect(error).toBeUndefined()
    expect(text).toBe(whole)
  })

  it('fails on a line that is not JSON, keeping the line out of the message', async () => {
    const { error } = await read(checkedNdjson(bodyOf(line('Alpha '), `{oops ${apiKey}\n`, lastLine)))
    expect(error).toBeInstanceOf(UnreadableLineError)
    expect(error).toMatchObject({ line: `{oops ${apiKey}` })
    expect((error as Error).message).not.toContain(apiKey)
  })

  it('fails on a stream cut in the middle of a line, or ended without its done object', async () => {
    const cut = await read(checkedNdjson(bodyOf(line('Alpha '), line('Beta').slice(0, 20))))
    expect(cut.error).toBeInstanceOf(StreamEndedEarlyError)
    expect(cut.text).toBe(line('Alpha '))
    const early = await read(checkedNdjson(bodyOf(line('Alpha '))))
    expect(early.error).toBeInstanceOf(StreamEndedEarlyError)
  })

  it('passes a last line that has no newline after it', async () => {
    const { text, error } = await read(checkedNdjson(bodyOf(line('Alpha '), lastLine.trimEnd())))
    expect(error).toBeUndefined()
    expect(text).toBe(`${line('Alpha ')}${lastLine.trimEnd()}`)
  })
})

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** A server that answers every request with this NDJSON body, whole, then ends it. */
async function ndjsonServer(body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function streamFrom(body: string) {
  const adapter = ollamaAdapter({ apiKey, host: await ndjsonServer(body) })
  const parts: ProviderStreamPart[] = []
  const ask = { model: 'llama3.2:latest', messages: [{ role: 'user' as const, content: 'Hello' }] }
  try {
    for await (const part of adapter.stream(ask, testContext())) parts.push(part)
    return { parts, error: undefined }
  } catch (error) {
    return { parts, error }
  }
}

describe('ollama streams that cannot be read whole', () => {
  it('fails with an InvalidResponseError on a line that is not JSON, instead of leaving its text out', async () => {
    const warn = vi.spyOn(console, 'warn')
    try {
      const { parts, error } = await streamFrom(`{oops, not json; key ${apiKey}\n${line('Beta')}${lastLine}`)
      expect(parts).toEqual([])
      expect(InvalidResponseError.is(error)).toBe(true)
      expect(error).toMatchObject({
        status: 200,
        retryable: false,
        provider: 'ollama',
        model: 'llama3.2:latest',
      })
      expect(inspect(error, { depth: null })).not.toContain(apiKey)
      expect(warn).not.toHaveBeenCalled()
    } finally {
      warn.mockRestore()
    }
  })

  it('fails with a retryable ConnectionError on a stream cut in the middle of a line', async () => {
    const { parts, error } = await streamFrom(`${line('Alpha ')}${line('Beta').slice(0, 20)}`)
    expect(parts).toEqual([{ type: 'text-delta', text: 'Alpha ' }])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true, provider: 'ollama', model: 'llama3.2:latest' })
  })

  it('fails with a retryable ConnectionError on a stream that ends without its done object', async () => {
    const { parts, error } = await streamFrom(line('Alpha '))
    expect(parts).toEqual([{ type: 'text-delta', text: 'Alpha ' }])
    expect(ConnectionError.is(error)).toBe(true)
    expect(error).toMatchObject({ retryable: true })
  })

  it('reads a whole stream as before', async () => {
    const { parts, error } = await streamFrom(`${line('Alpha ')}${line('Beta')}${lastLine}`)
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Alpha ' },
      { type: 'text-delta', text: 'Beta' },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 3, outputTokens: 2 }) },
      { type: 'finish', finishReason: 'stop', model: 'llama3.2:latest' },
    ])
  })
})
