import type { SharedState } from '../shared-state.js'
import {
  createMemoryCircuitState,
  type MemoryCircuitState,
  type MemoryCircuitStateOptions,
} from './memory-circuit-state.js'
import {
  createMemoryRateLimitState,
  type MemoryRateLimitState,
  type MemoryRateLimitStateOptions,
} from './memory-rate-limit-state.js'
import {
  createMemoryResponseCacheState,
  type MemoryResponseCacheState,
  type MemoryResponseCacheStateOptions,
} from './memory-response-cache-state.js'

export type MemorySharedStateOptions = MemoryRateLimitStateOptions &
  MemoryResponseCacheStateOptions &
  MemoryCircuitStateOptions

/** The three state ports in this process, each answering at once. */
export interface MemorySharedState extends SharedState {
  rateLimits: MemoryRateLimitState
  responseCache: MemoryResponseCacheState
  circuits: MemoryCircuitState
}

/**
 * The three state ports in this process: what an instance uses when no plugin registered shared
 * ones, and the reference the stateConformance() suite is checked against.
 */
export function createMemorySharedState(options: MemorySharedStateOptions = {}): MemorySharedState {
  return {
    name: 'memory',
    rateLimits: createMemoryRateLimitState(options),
    responseCache: createMemoryResponseCacheState(options),
    circuits: createMemoryCircuitState(options),
  }
}
