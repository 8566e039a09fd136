import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { openaiCompatibleAdapter } from './openai-compatible.ts'

// The demo's provider, with the real openai SDK, against the fake OpenAI-wire server.
providerConformance({
  name: 'quickstart openai-compatible',
  tools: false,
  reports: { cachedInputTokens: true, reasoningTokens: true },
  async setup() {
    const server = await createFakeServer(openaiChatProtocol())
    const apiKey = 'sk-quickstart-0123456789abcdef'
    const provider = openaiCompatibleAdapter({ id: 'openai', apiKey, baseURL: `${server.url}/v1` })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})
