import { openaiChatProtocol, openaiResponsesProtocol } from '@aimux/ai-testing'
import { faultMatrix } from '@aimux/ai-testing/conformance'
import { openai } from './openai.js'

// Every fault of the matrix against the openai adapter, both APIs; the results table lives in
// docs/reliability.md (AIMUX_FAULT_MATRIX_WRITE=1 rewrites this adapter's columns).

const apiKey = 'sk-proj-faultmatrix0123456789abcdef'
const doc = new URL('../../../docs/reliability.md', import.meta.url)

faultMatrix({
  name: 'openai (chat)',
  model: 'openai:gpt-4o-mini',
  apiKey,
  protocol: () => openaiChatProtocol(),
  plugin: (url) => openai({ apiKey, baseURL: `${url}/v1` }),
  doc,
  knownGaps: [],
})

faultMatrix({
  name: 'openai (responses)',
  model: 'openai:gpt-4o-mini',
  apiKey,
  protocol: () => openaiResponsesProtocol(),
  plugin: (url) => openai({ apiKey, baseURL: `${url}/v1`, api: 'responses' }),
  doc,
  knownGaps: [],
})
