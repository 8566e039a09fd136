import { createAI } from '@aimux/ai-core'
import { createFakeServer, openrouterProtocol } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { openrouter } from './openrouter.js'

describe('openrouter token counts', () => {
  it("counts OpenAI's models with their tokenizer, locally, and estimates any other", async () => {
    const server = await createFakeServer(openrouterProtocol())
    const ai = await createAI({
      plugins: [openrouter({ apiKey: 'sk-or-v1-tokens0123456789', baseURL: `${server.url}/api/v1` })],
    })
    const messages = [{ role: 'user' as const, content: 'hello world' }]
    try {
      // 3 for the message, 1 for "user", 2 for "hello world", 3 to prime the reply.
      expect(await ai.countTokens({ model: 'openrouter:openai/gpt-4o', messages })).toEqual({
        inputTokens: 9,
        exact: true,
        source: 'tokenizer',
        provider: 'openrouter',
        model: 'openai/gpt-4o',
      })
      // ceil(11 / 4) + 4 a message.
      expect(await ai.countTokens({ model: 'openrouter:anthropic/claude-sonnet-5', messages })).toEqual({
        inputTokens: 7,
        exact: false,
        source: 'estimate',
        provider: 'openrouter',
        model: 'anthropic/claude-sonnet-5',
      })
      expect(server.requests).toHaveLength(0)
    } finally {
      await ai.close()
      await server.close()
    }
  })
})
