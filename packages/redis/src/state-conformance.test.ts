import { stateConformance } from '@aimux/ai-testing/conformance'
import { afterAll } from 'vitest'
import { dropPrefixes, freshPrefix, testRedisUrl } from '../test/test-redis.js'
import { createRedisState } from './redis-state.js'

// Every test's namespace is under one prefix of this run, dropped at the end.
const prefix = freshPrefix()
afterAll(() => dropPrefixes([prefix]))

stateConformance('redis', (namespace) =>
  createRedisState({ url: testRedisUrl, prefix: `${prefix}${namespace}:` }),
)
