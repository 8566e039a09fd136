import type { AI, Scope } from '@aimux/ai-core'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { formatUsd } from './format.js'

/** What the live table shows of one request, as sent to the browser: no content, no secrets. */
export type LiveEvent =
  | { type: 'request'; requestId: string; time: string; provider: string; model: string; scope: string }
  | {
      type: 'response'
      requestId: string
      time: string
      provider: string
      model: string
      scope: string
      latencyMs: number
      finishReason: string
    }
  | {
      type: 'cost'
      requestId: string
      time: string
      provider: string
      model: string
      scope: string
      cost: string
    }
  | {
      type: 'error'
      requestId: string
      time: string
      provider?: string
      model?: string
      scope: string
      code: string
      status?: number
    }

const scopeText = (scope: Scope) =>
  [
    scope.tenantId && `tenant ${scope.tenantId}`,
    scope.userId && `user ${scope.userId}`,
    scope.projectId && `project ${scope.projectId}`,
  ]
    .filter(Boolean)
    .join(', ')

/**
 * Streams the instance's calls as they happen, as server-sent events: each request when it is
 * sent, then its answer (latency) or its error (code, status), and its cost, summed over the
 * steps of a tool loop. A stream ends after `maxMs` and the browser's EventSource reconnects, so
 * that no connection is held forever (a server closing waits for open requests).
 */
export function liveEvents(c: Context, ai: AI, options: { maxMs: number; heartbeatMs: number }) {
  return streamSSE(c, async (stream) => {
    const queue: LiveEvent[] = []
    let wake: (() => void) | undefined
    const push = (event: LiveEvent) => {
      queue.push(event)
      if (queue.length > 1_000) queue.shift()
      wake?.()
    }
    const time = () => new Date().toISOString()
    const costs = new Map<string, number>()
    const unsubscribe = [
      ai.on('request', (e) => {
        if (e.step === 1 && e.attempt === 1)
          push({
            type: 'request',
            requestId: e.requestId,
            time: time(),
            provider: e.provider,
            model: e.model,
            scope: scopeText(e.scope),
          })
      }),
      ai.on('response', (e) =>
        push({
          type: 'response',
          requestId: e.requestId,
          time: time(),
          provider: e.provider,
          model: e.model,
          scope: scopeText(e.scope),
          latencyMs: e.latencyMs,
          finishReason: e.finishReason,
        }),
      ),
      ai.on('cost', (e) => {
        const total = (costs.get(e.requestId) ?? 0) + e.cost.nanoUsd
        costs.delete(e.requestId)
        costs.set(e.requestId, total)
        if (costs.size > 500) costs.delete(costs.keys().next().value as string)
        push({
          type: 'cost',
          requestId: e.requestId,
          time: time(),
          provider: e.provider,
          model: e.model,
          scope: scopeText(e.scope),
          cost: formatUsd(total),
        })
      }),
      ai.on('error', (e) =>
        push({
          type: 'error',
          requestId: e.requestId,
          time: time(),
          ...(e.provider ? { provider: e.provider } : {}),
          ...(e.model ? { model: e.model } : {}),
          scope: scopeText(e.scope),
          code: e.error.code,
          ...(e.error.status === undefined ? {} : { status: e.error.status }),
        }),
      ),
    ]
    const ended = new Promise<void>((resolve) => {
      stream.onAbort(resolve)
      setTimeout(resolve, options.maxMs).unref()
    })
    let open = true
    void ended.then(() => {
      open = false
      wake?.()
    })
    try {
      await stream.writeSSE({ data: '', event: 'ready', retry: 2_000 })
      while (open) {
        const event = queue.shift()
        if (event) {
          await stream.writeSSE({ data: JSON.stringify(event) })
          continue
        }
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, options.heartbeatMs).unref()
        })
        wake = undefined
        if (open && queue.length === 0) await stream.write(': keep-alive\n\n')
      }
    } finally {
      for (const off of unsubscribe) off()
    }
  })
}
