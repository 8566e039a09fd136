import { xaiChatProtocol } from '@aimux/ai-testing'
import { faultMatrix } from '@aimux/ai-testing/conformance'
import { xai } from './xai.js'

// Every fault of the matrix against the xai adapter; the results table lives in
// docs/reliability.md (AIMUX_FAULT_MATRIX_WRITE=1 rewrites this adapter's column).

const apiKey = 'xai-faultmatrix0123456789abcdefghij'

faultMatrix({
  name: 'xai',
  model: 'xai:grok-4-1-fast-reasoning',
  apiKey,
  protocol: () => xaiChatProtocol(),
  plugin: (url) => xai({ apiKey, baseURL: `${url}/v1` }),
  doc: new URL('../../../docs/reliability.md', import.meta.url),
  knownGaps: [],
})
