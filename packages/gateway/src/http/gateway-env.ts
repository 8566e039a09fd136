import type { Caller } from '../auth/caller.js'

/** What the gateway's middleware keeps on a request's context for its handlers. */
export interface GatewayEnv {
  Variables: {
    /** Aborted when the client goes away before the answer is complete; its signal goes to the call. */
    abort: AbortController
    /** Set on /v1 by the authentication middleware. */
    caller: Caller
  }
}
