import { createAI } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { createGateway } from './gateway.js'
import { createMetrics } from './metrics.js'
import { startGatewayFixture } from './test-support/gateway-fixture.js'

describe('createGateway', () => {
  it('refuses wrong options with a ConfigError naming each field', async () => {
    const ai = await createAI()
    try {
      expect(() => createGateway({ ai, keyCacheMs: -1, adminToken: 'short' })).toThrowError(
        expect.objectContaining({
          code: 'config',
          message: expect.stringMatching(
            /^Invalid gateway options: adminToken: must be at least 16 characters; keyCacheMs: /,
          ),
        }),
      )
      expect(() => createGateway({ ai: {} as never })).toThrowError(
        /ai: must be an aimux instance from createAI\(\)/,
      )
      expect(() => createGateway({ ai, port: 1 } as never)).toThrowError(/Unrecognized key/)
    } finally {
      await ai.close()
    }
  })

  it('serves the metrics it is given at /metrics, behind metricsToken when set, and no /metrics without', async () => {
    const fx = await startGatewayFixture()
    const metrics = createMetrics(fx.ai)
    try {
      const { secret } = await fx.issueKey()
      fx.upstream.enqueue({ text: 'counted', usage: { inputTokens: 7, outputTokens: 3 } })
      await fx
        .client(secret)
        .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
      await fx.ai.flush()
      const { app } = createGateway({ ai: fx.ai, metrics, metricsToken: 'metrics-token-0123' })
      const refused = await app.request('/metrics')
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toBe('Bearer')
      const wrong = await app.request('/metrics', { headers: { authorization: 'Bearer metrics-token-0124' } })
      expect(wrong.status).toBe(401)
      const scraped = await app.request('/metrics', {
        headers: { authorization: 'Bearer metrics-token-0123' },
      })
      expect(scraped.status).toBe(200)
      expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const body = await scraped.text()
      expect(body).toContain('aimux_requests_total{provider="openai",model="gpt-4o-mini",status="ok"} 1')
      expect(body).toContain('aimux_tokens_total{provider="openai",model="gpt-4o-mini",kind="output"} 3')

      const open = createGateway({ ai: fx.ai, metrics }).app
      expect((await open.request('/metrics')).status).toBe(200)
      // The fixture's gateway was given no metrics: /metrics is an unknown URL there.
      expect((await fetch(`${fx.server.url}/metrics`)).status).toBe(404)
      expect(() => createGateway({ ai: fx.ai, metrics: {} as never })).toThrowError(
        /metrics: must be the result of createMetrics\(\)/,
      )
    } finally {
      metrics.close()
      await fx.close()
    }
  })

  it('takes the key from x-api-key as well as from Authorization', async () => {
    const fx = await startGatewayFixture()
    try {
      const { secret } = await fx.issueKey()
      const response = await fetch(`${fx.baseURL}/models`, { headers: { 'x-api-key': secret } })
      expect(response.status).toBe(200)
    } finally {
      await fx.close()
    }
  })

  it('answers 413 to a chunked body over the limit, which has no content-length to check first', async () => {
    const fx = await startGatewayFixture({ gateway: { bodyLimitBytes: 1024 } })
    try {
      const { secret } = await fx.issueKey()
      const chunk = new TextEncoder().encode('x'.repeat(600))
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(chunk)
          controller.enqueue(chunk)
          controller.close()
        },
      })
      const response = await fetch(`${fx.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit)
      expect(response.status).toBe(413)
      expect(await response.json()).toMatchObject({ error: { code: 'request_too_large' } })
    } finally {
      await fx.close()
    }
  })

  it('answers 504 when a request outlasts requestTimeoutMs', async () => {
    const fx = await startGatewayFixture({ gateway: { requestTimeoutMs: 100 } })
    try {
      const { secret } = await fx.issueKey()
      fx.upstream.enqueue({ text: 'too late', delayMs: 10_000 })
      const error = await fx
        .client(secret)
        .chat.completions.create({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] })
        .catch((thrown: unknown) => thrown)
      expect(error).toMatchObject({ status: 504, type: 'server_error', code: 'timeout' })
    } finally {
      await fx.close()
    }
  })

  it('ends a stream that outlasts requestTimeoutMs with a timeout error event', async () => {
    const fx = await startGatewayFixture({ gateway: { requestTimeoutMs: 2_000 } })
    try {
      const { secret } = await fx.issueKey()
      // A chunk every 200 ms for 40 s: the stream starts well within the limit and outlasts it.
      const words = Array.from({ length: 200 }, (_, i) => `w${i} `)
      fx.upstream.enqueue({ chunks: words, chunkDelayMs: 200 })
      const stream = await fx.client(secret).chat.completions.create({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      })
      let text = ''
      const error = await (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
      })().catch((thrown: unknown) => thrown)
      expect(text.startsWith('w0 ')).toBe(true)
      expect(text.length).toBeLessThan(words.join('').length)
      expect(error).toMatchObject({ type: 'server_error', code: 'timeout' })
    } finally {
      await fx.close()
    }
  })
})
