import { xaiChatProtocol } from '@aimux/ai-testing'
import { secretScanSuite } from '@aimux/ai-testing/conformance'
import { xai } from './xai.js'

secretScanSuite({
  name: 'xai',
  model: 'xai:grok-4-1-fast-reasoning',
  protocol: () => xaiChatProtocol(),
  plugin: (url, apiKey) => xai({ apiKey, baseURL: `${url}/v1` }),
  unreadable: (key) => [
    [{ body: '{"id": "cut' }, 'not JSON'],
    [{ body: '{}' }, 'no choices'],
    [{ body: '{"choices": []}' }, 'no choices'],
    [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not a JSON object'],
    [{ body: '' }, 'an empty body'],
  ],
  htmlExcerpt: 'Welcome [redacted]',
})
