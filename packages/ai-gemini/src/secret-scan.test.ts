import { geminiProtocol } from '@aimux/ai-testing'
import { secretScanSuite } from '@aimux/ai-testing/conformance'
import { gemini } from './gemini.js'

secretScanSuite({
  name: 'gemini',
  model: 'gemini:gemini-2.5-flash',
  protocol: () => geminiProtocol(),
  plugin: (url, apiKey) => gemini({ apiKey, baseURL: url }),
  unreadable: (key) => [
    [{ body: '{"candidates": [' }, 'not JSON'],
    [{ body: '{}' }, 'no candidates'],
    [{ body: '{"candidates": []}' }, 'no candidates'],
    [{ contentType: 'text/html', body: `<html><body>Welcome ${key}</body></html>` }, 'not JSON'],
    [{ body: '' }, 'not JSON'],
  ],
  // The SDK keeps no body; the parser's message shows the start of it.
  htmlExcerpt: '"<html><bod"',
})
