import { createAI } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { createGateway } from './gateway.js'
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
})
