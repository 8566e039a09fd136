import type { CallContext } from '../spec/call-context.js'
import type { ProviderEmbeddingRequest, ProviderEmbeddingResult } from '../spec/embedding.js'
import type {
  ProviderAdapter,
  ProviderRequest,
  ProviderResult,
  ProviderStreamPart,
} from '../spec/provider.js'
import type { RequestLimits } from '../spec/request.js'

/** One model call on its way through the middleware chain to the adapter. */
export interface ChatModelCall {
  provider: ProviderAdapter
  request: ProviderRequest
  ctx: CallContext
  mode: 'generate' | 'stream'
  /** The request's own budgets and rate limits (`limits`), set by a trusted server; the rate limiter counts them. */
  limits?: RequestLimits
}

/** One batch of an `ai.embed()` request on its way through the same chain to the adapter's `embed()`. */
export interface EmbedModelCall {
  provider: ProviderAdapter
  request: ProviderEmbeddingRequest
  ctx: CallContext
  mode: 'embed'
  limits?: RequestLimits
}

/**
 * What a middleware sees: a chat model call, or an embedding batch (`mode: 'embed'`). Both name
 * their model as `request.model`; middleware that needs more narrows on `mode`.
 */
export type ModelCall = ChatModelCall | EmbedModelCall

export type ModelResponse =
  /** `cached`: served from the response cache, without calling the provider; it costs nothing. */
  | { mode: 'generate'; result: ProviderResult; cached?: boolean }
  | { mode: 'stream'; stream: AsyncIterable<ProviderStreamPart> }
  | { mode: 'embed'; result: ProviderEmbeddingResult }

/** The call with another provider and model, the rest of its request as it was. */
export function withModel<C extends ModelCall>(call: C, provider: ProviderAdapter, model: string): C {
  return { ...call, provider, request: { ...call.request, model } }
}

/**
 * A middleware sees the call, may change it (another provider, model or credentials), calls
 * `next` zero or more times (a retry calls it again, a cache not at all) and returns the response.
 */
export type Middleware = (
  call: ModelCall,
  next: (call?: ModelCall) => Promise<ModelResponse>,
) => Promise<ModelResponse>

/**
 * Runs `middleware` outer to inner around `terminal`, in the shape of Hono's compose, with one
 * difference: Hono refuses a second `next()`, while here a middleware may call `next` again
 * (a retry calls it once per attempt, a fallback once per model), each time running the rest of
 * the chain afresh with the call it passes.
 */
export function compose(
  middleware: readonly Middleware[],
  terminal: (call: ModelCall) => Promise<ModelResponse>,
): (call: ModelCall) => Promise<ModelResponse> {
  // async, so that a middleware or adapter that throws synchronously still rejects.
  const dispatch = async (index: number, call: ModelCall): Promise<ModelResponse> => {
    const current = middleware[index]
    if (!current) return terminal(call)
    return current(call, (next = call) => dispatch(index + 1, next))
  }
  return (call) => dispatch(0, call)
}
