import { createFakeServer, openrouterProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { openrouterAdapter } from './openrouter.js'

const apiKey = 'sk-or-v1-test0123456789abcdef'

providerConformance({
  name: 'openrouter',
  model: 'openai/gpt-5',
  // Its servers may send the last words of a reply with the finish reason.
  finishWithLastChunk: true,
  embeddings: { model: 'openai/text-embedding-3-small', dimensions: 256, reportsUsage: true },
  async setup() {
    const server = await createFakeServer(openrouterProtocol())
    const provider = openrouterAdapter({ apiKey, baseURL: `${server.url}/api/v1`, appName: 'aimux tests' })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})
