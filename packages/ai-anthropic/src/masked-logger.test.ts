import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { testContext } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { anthropicAdapter } from './anthropic.js'
import { maskedLogger } from './masked-logger.js'

const apiKey = 'sk-ant-api03-logger0123456789abcdef'

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

describe('maskedLogger', () => {
  it('masks the key in strings and in values, and passes other values on as they are', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const value = { nested: { note: `echo ${apiKey}` } }
      const plain = { id: 1 }
      maskedLogger([apiKey]).error(`bad ${apiKey}`, value, plain)
      const [message, masked, untouched] = error.mock.calls[0] ?? []
      expect(message).toBe('bad [redacted]')
      expect(masked).toContain('[redacted]')
      expect(String(masked)).not.toContain(apiKey)
      expect(untouched).toBe(plain)
    } finally {
      error.mockRestore()
    }
  })
})

describe('anthropic logs', () => {
  it('masks the key the SDK logs with a stream event it cannot parse', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(`event: message_start\ndata: {oops, not json; key ${apiKey}\n\n`)
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const lines: string[] = []
    const error = vi.spyOn(console, 'error').mockImplementation((...args) => void lines.push(args.join(' ')))
    try {
      const adapter = anthropicAdapter({ apiKey, baseURL: url })
      const ask = { model: 'claude-sonnet-5', messages: [{ role: 'user' as const, content: 'Hello' }] }
      await expect(
        (async () => {
          for await (const _part of adapter.stream(ask, testContext()));
        })(),
      ).rejects.toThrow()
      expect(lines.join('\n')).toContain('[redacted]')
      expect(lines.join('\n')).not.toContain(apiKey)
    } finally {
      error.mockRestore()
    }
  })
})
