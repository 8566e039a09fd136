import { createFakeServer, ollamaProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { ollamaAdapter } from './ollama.js'

providerConformance({
  name: 'ollama',
  model: 'llama3.2:latest',
  reports: { cachedInputTokens: false, reasoningTokens: false },
  embeddings: { model: 'nomic-embed-text', dimensions: 64, reportsUsage: true },
  async setup() {
    const server = await createFakeServer(ollamaProtocol())
    return { provider: ollamaAdapter({ host: server.url }), script: server, close: () => server.close() }
  },
})
