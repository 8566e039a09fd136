import { createMemorySharedState } from '@aimux/ai-core'
import { stateConformance } from './state-conformance.js'

stateConformance('memory', () => createMemorySharedState())
