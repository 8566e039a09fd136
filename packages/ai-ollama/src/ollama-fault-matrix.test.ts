import { ollamaProtocol } from '@aimux/ai-testing'
import { faultMatrix } from '@aimux/ai-testing/conformance'
import { ollama } from './ollama.js'

// Every fault of the matrix against the ollama adapter; the results table lives in
// docs/reliability.md (AIMUX_FAULT_MATRIX_WRITE=1 rewrites this adapter's column).

const apiKey = 'ollama-faultmatrix0123456789abcdef'

faultMatrix({
  name: 'ollama',
  model: 'ollama:llama3.2:latest',
  apiKey,
  protocol: () => ollamaProtocol(),
  plugin: (url) => ollama({ apiKey, host: url }),
  doc: new URL('../../../docs/reliability.md', import.meta.url),
  knownGaps: [],
})
