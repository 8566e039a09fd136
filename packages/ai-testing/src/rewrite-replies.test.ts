import { describe, expect, it } from 'vitest'
import { createFakeServer } from './fake-server.js'
import { openaiChatProtocol } from './openai-chat-protocol.js'
import { rewriteReplies } from './rewrite-replies.js'

describe('rewriteReplies', () => {
  it('passes every model call answer through the rewrite, and leaves fixed answers alone', async () => {
    const protocol = rewriteReplies(openaiChatProtocol(), (response) =>
      response.type === 'json'
        ? { ...response, body: { ...(response.body as object), rewritten: true } }
        : { ...response, frames: response.frames.slice(0, 1) },
    )
    const server = await createFakeServer(protocol)
    try {
      server.enqueue({ text: 'Hi' }, { text: 'Hi' })
      const post = (stream: boolean) =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], stream }),
        })
      expect(await (await post(false)).json()).toMatchObject({ rewritten: true })
      const streamed = await (await post(true)).text()
      expect(streamed.match(/^data:/gm)).toHaveLength(1)
      const models = await (await fetch(`${server.url}/v1/models`)).json()
      expect(models).not.toHaveProperty('rewritten')
    } finally {
      await server.close()
    }
  })
})
