import { anthropicProtocol, createFakeServer } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { anthropicAdapter } from './anthropic.js'

providerConformance({
  name: 'anthropic',
  model: 'claude-sonnet-5',
  countsTokens: 'provider',
  async setup() {
    const server = await createFakeServer(anthropicProtocol())
    const apiKey = 'sk-ant-api03-conformance0123456789abcdef'
    const provider = anthropicAdapter({ apiKey, baseURL: server.url })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})
