import { createFakeServer, openaiChatProtocol, openaiResponsesProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { openaiAdapter } from './openai.js'

const apiKey = 'sk-test-0123456789abcdef'

providerConformance({
  name: 'openai (Chat Completions)',
  model: 'gpt-5.4-mini',
  // Its servers may send the last words of a reply with the finish reason.
  finishWithLastChunk: true,
  embeddings: { model: 'text-embedding-3-small', dimensions: 256, reportsUsage: true },
  // Counted locally with the model's tokenizer.
  countsTokens: 'tokenizer',
  async setup() {
    const server = await createFakeServer(openaiChatProtocol({ obfuscation: true }))
    const provider = openaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})

providerConformance({
  name: 'openai (Responses API)',
  model: 'gpt-5.4-mini',
  async setup() {
    const server = await createFakeServer(openaiResponsesProtocol())
    const provider = openaiAdapter({ apiKey, baseURL: `${server.url}/v1`, api: 'responses' })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})
