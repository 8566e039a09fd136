import { createFakeServer, geminiProtocol } from '@aimux/ai-testing'
import { providerConformance } from '@aimux/ai-testing/conformance'
import { geminiAdapter } from './gemini.js'

providerConformance({
  name: 'gemini',
  model: 'gemini-3.8-flash',
  countsTokens: 'provider',
  embeddings: { model: 'gemini-embedding-001', dimensions: 128, reportsUsage: false },
  // Gemini's last streamed chunk commonly carries the last text with finishReason.
  finishWithLastChunk: true,
  async setup() {
    const server = await createFakeServer(geminiProtocol())
    const apiKey = 'AIzaSyConformance0123456789abcdefghijklm'
    const provider = geminiAdapter({ apiKey, baseURL: server.url })
    return { provider, script: server, apiKey, close: () => server.close() }
  },
})
