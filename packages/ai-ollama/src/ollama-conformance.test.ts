import { createFakeServer, ollamaProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { ollamaAdapter } from './ollama.js'

providerConformance({
  name: 'ollama',
  model: 'llama3.2:latest',
  reports: { cachedInputTokens: false, reasoningTokens: false },
  async setup() {
    const server = await createFakeServer(ollamaProtocol())
    return { provider: ollamaAdapter({ host: server.url }), script: server, close: () => server.close() }
  },
})
