import { openaiChatProtocol, openaiResponsesProtocol } from '@aimux/ai-testing'
import { secretScanSuite } from '@aimux/ai-testing/conformance'
import { openai } from './openai.js'

for (const api of ['chat', 'responses'] as const) {
  secretScanSuite({
    name: `openai ${api === 'chat' ? 'chat completions' : 'responses'}`,
    model: 'openai:gpt-4o-mini',
    protocol: () => (api === 'chat' ? openaiChatProtocol() : openaiResponsesProtocol()),
    plugin: (url, apiKey) => openai({ apiKey, baseURL: `${url}/v1`, api }),
    unreadable: (key) => [
      [{ body: '{"id": "cut' }, 'not JSON'],
      [{ body: '{}' }, api === 'chat' ? 'no choices' : 'no output'],
      [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not a JSON object'],
      [{ body: '' }, 'an empty body'],
      ...(api === 'chat' ? [[{ body: '{"choices": []}' }, 'no choices'] as [{ body: string }, string]] : []),
    ],
    htmlExcerpt: '<html><body>Welcome [redacted]</body></html>',
    sendsKey: (request, key) => request.headers.authorization === `Bearer ${key}`,
  })
}
