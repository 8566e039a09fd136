import { openrouterProtocol } from '@aimux/ai-testing'
import { secretScanSuite } from '@aimux/ai-testing/conformance'
import { openrouter } from './openrouter.js'

secretScanSuite({
  name: 'openrouter',
  model: 'openrouter:openai/gpt-5',
  protocol: () => openrouterProtocol(),
  plugin: (url, apiKey) => openrouter({ apiKey, baseURL: `${url}/api/v1` }),
  unreadable: (key) => [
    [{ body: '{"id": "cut' }, 'not JSON'],
    [{ body: '{}' }, 'no choices'],
    [{ body: '{"choices": []}' }, 'no choices'],
    [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not a JSON object'],
    [{ body: '' }, 'an empty body'],
  ],
  htmlExcerpt: 'Welcome [redacted]',
})
