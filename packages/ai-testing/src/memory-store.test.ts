import { createMemoryStore } from '@aimux/ai-core'
import { storeConformance } from './store-conformance.js'

storeConformance('memory', () => createMemoryStore(), { fresh: true })
