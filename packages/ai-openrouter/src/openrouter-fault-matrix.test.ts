import { openrouterProtocol } from '@aimux/ai-testing'
import { faultMatrix } from '@aimux/ai-testing/conformance'
import { openrouter } from './openrouter.js'

// Every fault of the matrix against the openrouter adapter; the results table lives in
// docs/reliability.md (AIMUX_FAULT_MATRIX_WRITE=1 rewrites this adapter's column).

const apiKey = 'sk-or-v1-faultmatrix0123456789abcdef'

faultMatrix({
  name: 'openrouter',
  model: 'openrouter:openai/gpt-5',
  apiKey,
  protocol: () => openrouterProtocol(),
  plugin: (url) => openrouter({ apiKey, baseURL: `${url}/api/v1` }),
  doc: new URL('../../../docs/reliability.md', import.meta.url),
  knownGaps: [],
})
