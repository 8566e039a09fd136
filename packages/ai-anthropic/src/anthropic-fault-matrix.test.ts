import { anthropicProtocol } from '@aimux/ai-testing'
import { faultMatrix } from '@aimux/ai-testing/conformance'
import { anthropic } from './anthropic.js'

// Every fault of the matrix against the anthropic adapter; the results table lives in
// docs/reliability.md (AIMUX_FAULT_MATRIX_WRITE=1 rewrites this adapter's column).

const apiKey = 'sk-ant-api03-faultmatrix0123456789abcdef'

faultMatrix({
  name: 'anthropic',
  model: 'anthropic:claude-sonnet-5',
  apiKey,
  protocol: () => anthropicProtocol(),
  plugin: (url) => anthropic({ apiKey, baseURL: url }),
  doc: new URL('../../../docs/reliability.md', import.meta.url),
  knownGaps: [],
})
