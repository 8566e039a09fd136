import { createFakeServer, xaiChatProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { xaiAdapter } from './xai.js'

const apiKey = 'xai-test-0123456789abcdefghij'

providerConformance({
  name: 'xai',
  model: 'grok-4-1-fast-reasoning',
  // Its servers may send the last words of a reply with the finish reason.
  finishWithLastChunk: true,
  async setup() {
    const server = await createFakeServer(xaiChatProtocol())
    const provider = xaiAdapter({ apiKey, baseURL: `${server.url}/v1` })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})
