import type { VirtualKey } from '@aimux/ai-core'

/**
 * Who is calling /v1: the operator with the admin token (every model, no key limits, no scope),
 * or the holder of a virtual key.
 */
export type Caller = { kind: 'admin' } | { kind: 'key'; key: VirtualKey }
