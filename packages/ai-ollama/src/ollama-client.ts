import { AsyncLocalStorage } from 'node:async_hooks'
import type { CallContext } from '@aimux/ai-core'
import { createClientCache } from '@aimux/ai-core/provider-kit'
import { Ollama } from 'ollama'
import { checkedNdjson } from './checked-ndjson.js'
import type { ErrorContext } from './ollama-error.js'

export interface OllamaClientOptions {
  host?: string
  apiKey?: string
  headers?: Record<string, string>
}

/** A client for one call, and how to run its requests. */
export interface OllamaCall {
  client: Ollama
  /** Runs requests of the client as part of this call: under its signal, the response remembered. */
  run<T>(request: (client: Ollama) => Promise<T>): Promise<T>
  /** Runs a streaming request the same way, its NDJSON lines checked before the client reads them. */
  runStream<T>(request: (client: Ollama) => Promise<T>): Promise<T>
  /** What ollamaError needs: the call's signal, host and key, and the response of its last request. */
  errorContext(): ErrorContext
}

/** One call's share of a shared client: its signal, and the response its request got. */
interface CallState {
  signal: AbortSignal
  /** An NDJSON stream is asked for: its lines are checked (see checkedNdjson). */
  stream?: boolean
  response?: Response
}

const calls = new AsyncLocalStorage<CallState>()

/**
 * The fetch every client is given. The ollama client takes no AbortSignal and keeps no response
 * headers, so this adds the signal of the call the request runs for and remembers its response.
 * A stream's body is checked line by line before the client reads it: the client would skip a
 * line it cannot parse (writing it to console.warn) and report a stream cut short only as a
 * plain Error.
 */
const callFetch: typeof fetch = async (input, init) => {
  const call = calls.getStore()
  if (!call) return fetch(input, init)
  const signal = init?.signal ? AbortSignal.any([init.signal, call.signal]) : call.signal
  const response = await fetch(input, { ...init, signal })
  call.response = response
  if (!call.stream || !response.ok || !response.body) return response
  const { status, statusText, headers } = response
  return new Response(checkedNdjson(response.body), { status, statusText, headers })
}

/**
 * One ollama client per host and credentials, reused by every call with the same ones; the
 * credentials chosen for a call (by a rotation plugin, say) win over the adapter's own. The host
 * defaults to OLLAMA_HOST, read at each call, else http://127.0.0.1:11434; a key is sent as
 * `Authorization: Bearer <key>`. The client retries nothing.
 */
export function createOllamaClients(options: OllamaClientOptions): (ctx: CallContext) => OllamaCall {
  const clients = createClientCache({
    provider: 'ollama',
    requireApiKey: false,
    create: ({ baseURL, headers }) => new Ollama({ host: baseURL, headers, fetch: callFetch }),
  })
  return (ctx) => {
    const chosen = ctx.credentials
    const host = chosen?.baseURL ?? options.host ?? (process.env.OLLAMA_HOST || 'http://127.0.0.1:11434')
    const apiKey = chosen?.apiKey ?? options.apiKey
    const headers = {
      ...options.headers,
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
      ...chosen?.headers,
    }
    const { client } = clients({ credentials: { apiKey, baseURL: host, headers } })
    const state: CallState = { signal: ctx.signal }
    return {
      client,
      run: (request) => calls.run(state, () => request(client)),
      runStream: (request) => {
        state.stream = true
        return calls.run(state, () => request(client))
      },
      errorContext: () => ({ signal: ctx.signal, host, apiKey, response: state.response }),
    }
  }
}
