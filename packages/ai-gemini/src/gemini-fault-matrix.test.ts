import { geminiProtocol } from '@aimux/ai-testing'
import { faultMatrix } from '@aimux/ai-testing/conformance'
import { gemini } from './gemini.js'

// Every fault of the matrix against the gemini adapter; the results table lives in
// docs/reliability.md (AIMUX_FAULT_MATRIX_WRITE=1 rewrites this adapter's column).

const apiKey = 'AIzaSyFaultMatrix0123456789abcdefghijklm'

faultMatrix({
  name: 'gemini',
  model: 'gemini:gemini-3.8-flash',
  apiKey,
  protocol: () => geminiProtocol(),
  plugin: (url) => gemini({ apiKey, baseURL: url }),
  doc: new URL('../../../docs/reliability.md', import.meta.url),
  knownGaps: [],
})
