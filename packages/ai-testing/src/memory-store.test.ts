import { createMemoryStore } from '@aimux/ai-core'
import { storeConformance } from './store-conformance.js'

storeConformance({ name: 'memory', create: () => createMemoryStore(), fresh: true })
