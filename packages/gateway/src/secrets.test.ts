import { startSecretScan } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { startGatewayFixture, UPSTREAM_KEY } from './test-support/gateway-fixture.js'

describe('secrets', () => {
  it('no upstream key and no virtual-key secret in any response, header, event or log', async () => {
    const fx = await startGatewayFixture({ echoKey: true })
    const scan = startSecretScan()
    try {
      scan.listen(fx.ai)
      const { secret } = await fx.issueKey({ name: 'scanned' })
      const call = async (body: Record<string, unknown>, token = secret) => {
        const response = await fetch(`${fx.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'openai:gpt-4o-mini',
            messages: [{ role: 'user', content: 'Hi' }],
            ...body,
          }),
        })
        scan.record({
          status: response.status,
          headers: Object.fromEntries(response.headers),
          body: await response.text(),
        })
        return response.status
      }
      // The fake provider echoes the key it was sent in every error message and in a header.
      fx.upstream.enqueue(
        { text: 'fine' },
        { error: { status: 401 } },
        { error: { status: 500, message: 'Internal error' } },
        { error: { status: 429, retryAfterMs: 1000 } },
        { error: { status: 400, message: 'Bad image' } },
        { chunks: ['a', 'b', 'c', 'd'], breakAfterChunks: 2 },
      )
      expect(await call({})).toBe(200)
      expect(await call({})).toBe(502)
      expect(await call({})).toBe(500)
      expect(await call({})).toBe(429)
      expect(await call({})).toBe(400)
      expect(await call({ stream: true })).toBe(200)
      expect(await call({}, `${secret}x`)).toBe(401)
      expect(await call({ n: 3, bogus: secret })).toBe(400)
      for (const path of ['/admin/keys', '/admin/keys?includeRevoked=true', '/v1/models']) {
        const response = await fetch(`${fx.server.url}${path}`, {
          headers: {
            authorization: path.startsWith('/v1')
              ? `Bearer ${secret}`
              : 'Bearer admin-token-fixture-0123456789',
          },
        })
        scan.record({ headers: Object.fromEntries(response.headers), body: await response.text() })
      }
      await fx.ai.flush()
      // The stream broke after it started: the client got an error event in OpenAI's shape.
      expect(scan.text).toContain('upstream_stream_interrupted')
      expect(scan.found([UPSTREAM_KEY, secret])).toEqual([])
    } finally {
      scan.stop()
      await fx.close()
    }
  })
})
