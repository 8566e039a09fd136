import { anthropicProtocol } from '@aimux/ai-testing'
import { secretScanSuite } from '@aimux/ai-testing/conformance'
import { anthropic } from './anthropic.js'

secretScanSuite({
  name: 'anthropic',
  model: 'anthropic:claude-3-5-haiku-latest',
  protocol: () => anthropicProtocol(),
  plugin: (url, apiKey) => anthropic({ apiKey, baseURL: url }),
  unreadable: (key) => [
    [{ body: '{"id": "cut' }, 'not JSON'],
    [{ body: '{}' }, 'no content'],
    [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not a JSON object'],
    [{ body: '' }, 'an empty body'],
  ],
  htmlExcerpt: 'Welcome [redacted]',
})
