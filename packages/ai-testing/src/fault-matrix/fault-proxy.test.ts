import { afterEach, describe, expect, it } from 'vitest'
import { anthropicProtocol } from '../anthropic-protocol.js'
import { createFakeServer, type FakeServer } from '../fake-server.js'
import { ollamaProtocol } from '../ollama-protocol.js'
import { openaiChatProtocol } from '../openai-chat-protocol.js'
import { createFaultProxy, type FaultProxy, type ProxyFault, refusedUrl } from './fault-proxy.js'

const key = 'sk-proxy-test-0123456789'
const reply = { chunks: ['Alpha ', 'Beta ', 'Gamma'] }
const opened: (FakeServer | FaultProxy)[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((closable) => closable.close()))
})

async function proxied(fault: ProxyFault, protocol = openaiChatProtocol()) {
  const server = await createFakeServer(protocol)
  const proxy = await createFaultProxy(server.url, fault)
  opened.push(server, proxy)
  return { server, proxy }
}

const post = (url: string, body: unknown, signal?: AbortSignal) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  })
const chat = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] }

/** Reads a body chunk by chunk until it ends or fails. */
async function readAll(response: Response): Promise<{ text: string; error?: unknown }> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { text }
      text += decoder.decode(value, { stream: true })
    }
  } catch (error) {
    return { text, error }
  }
}

describe('the fault proxy', () => {
  it('forwards the request and answers with another body, the key echoed into it', async () => {
    const { server, proxy } = await proxied({
      type: 'replace-body',
      contentType: 'text/html',
      body: '<p>{key}</p>',
    })
    server.enqueue({ text: 'Hello' })
    const response = await post(`${proxy.url}/v1/chat/completions`, chat)
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([
      200,
      'text/html',
      `<p>${key}</p>`,
    ])
    expect(server.requests[0]?.body).toMatchObject(chat)
    expect(proxy.requests).toBe(1)
  })

  it('passes error answers through untouched', async () => {
    const { server, proxy } = await proxied({ type: 'replace-body', contentType: 'text/html', body: '' })
    server.enqueue({ error: { status: 503, message: 'busy' } })
    const response = await post(`${proxy.url}/v1/chat/completions`, chat)
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ error: { message: 'busy' } })
  })

  it('replaces the data of the SSE event holding a text, keeping its event name', async () => {
    const { server, proxy } = await proxied(
      { type: 'garbage-line', in: 'Alpha', line: '{oops' },
      anthropicProtocol(),
    )
    server.enqueue(reply)
    const response = await post(`${proxy.url}/v1/messages`, { ...chat, stream: true, max_tokens: 10 })
    const { text } = await readAll(response)
    expect(text).toContain('event: content_block_delta\ndata: {oops\n\n')
    expect(text).not.toContain('Alpha')
    expect(text).toContain('Beta')
  })

  it('replaces a whole NDJSON line', async () => {
    const { server, proxy } = await proxied(
      { type: 'garbage-line', in: 'Alpha', line: '{oops' },
      ollamaProtocol(),
    )
    server.enqueue(reply)
    const { text } = await readAll(await post(`${proxy.url}/api/chat`, { ...chat, stream: true }))
    expect(text.split('\n')[0]).toBe('{oops')
    expect(text).toContain('Beta')
  })

  it('resets the connection after the frame holding a text', async () => {
    const { server, proxy } = await proxied({ type: 'cut', after: 'Alpha', and: 'reset' })
    server.enqueue(reply)
    const { text, error } = await readAll(
      await post(`${proxy.url}/v1/chat/completions`, { ...chat, stream: true }),
    )
    expect(text).toContain('Alpha')
    expect(text.endsWith('\n\n')).toBe(true)
    expect(text).not.toContain('Beta')
    expect(error).toBeInstanceOf(Error)
  })

  it('ends the body cleanly half-way through the next frame', async () => {
    const { server, proxy } = await proxied({ type: 'cut', after: 'Alpha', and: 'truncate' })
    server.enqueue(reply)
    const { text, error } = await readAll(
      await post(`${proxy.url}/v1/chat/completions`, { ...chat, stream: true }),
    )
    expect(error).toBeUndefined()
    expect(text).toContain('Alpha')
    expect(text.endsWith('\n\n')).toBe(false)
    expect(text).not.toContain('Gamma')
  })

  it('stalls after the frame holding a text, until the client leaves', async () => {
    const { server, proxy } = await proxied({ type: 'cut', after: 'Alpha', and: 'stall' })
    server.enqueue(reply)
    const controller = new AbortController()
    const response = await post(
      `${proxy.url}/v1/chat/completions`,
      { ...chat, stream: true },
      controller.signal,
    )
    const reader = response.body!.getReader()
    let text = ''
    while (!text.includes('Alpha')) text += new TextDecoder().decode((await reader.read()).value)
    expect(text).not.toContain('Beta')
    const next = reader.read().then(
      () => 'more came',
      () => 'aborted',
    )
    setTimeout(() => controller.abort(), 100)
    expect(await next).toBe('aborted')
  })

  it('gives a URL where nothing listens', async () => {
    await expect(fetch(await refusedUrl())).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } })
  })
})
