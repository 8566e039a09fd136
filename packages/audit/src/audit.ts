import { type AI, ConfigError, definePlugin, type Plugin } from '@aimux/ai-core'
import { createAuditApi } from './audit-api.js'
import type {} from './audit-events.js'
import { type AuditOptions, parseAuditOptions } from './audit-options.js'
import { auditRecordOf, type RequestTrail } from './audit-record-of.js'

/**
 * Records every chat request (`ai.chat()`, `ai.stream()`, a conversation turn), one record a
 * request however many steps its tool loop took, in the store's append-only audit trail: who
 * (scope, key id), which model, SHA-256 of the prompt as sent and of the answer (or the content
 * with `content: 'full'`), cost, tokens and outcome, budget refusals and other errors included.
 * Records are written off the caller's path; `ai.flush()` waits for them. Adds `ai.audit`.
 */
export function audit(options: AuditOptions = {}): Plugin {
  const settings = parseAuditOptions(options)
  const trails = new Map<string, RequestTrail>()
  let instance: AI | undefined
  const ready = () => {
    if (!instance) throw new ConfigError('The audit plugin was used before createAI() resolved.')
    return instance
  }

  return definePlugin({
    name: 'audit',
    setup(host) {
      host.onRequest((input) => {
        const trail: RequestTrail = {
          input,
          stream: false,
          spent: { costNanoUsd: 0, inputTokens: 0, outputTokens: 0 },
        }
        trails.set(input.requestId, trail)
        return {
          around: {
            // Innermost, after every middleware: the request exactly as the provider gets it.
            attempt(call, send) {
              trail.sent ??= { messages: call.request.messages, tools: call.request.tools ?? [] }
              trail.stream = call.mode === 'stream'
              trail.served = { provider: call.provider.id, model: call.request.model }
              return send()
            },
            end(outcome) {
              trail.outcome = outcome
              trail.endedAt = new Date()
              // Listeners run in the order their events were emitted: this request's 'cost' and
              // 'error' listeners have run by the time this one writes its record.
              host.emit('audit:request-ended', { requestId: input.requestId })
            },
          },
        }
      })

      host.on('cost', (event) => {
        const trail = event.operation ? undefined : trails.get(event.requestId)
        if (!trail) return
        trail.spent.costNanoUsd += event.cost.nanoUsd
        trail.spent.inputTokens += event.usage.inputTokens
        trail.spent.outputTokens += event.usage.outputTokens
      })

      host.on('error', (event) => {
        const trail = trails.get(event.requestId)
        if (trail && event.provider !== undefined)
          trail.served = { provider: event.provider, ...(event.model ? { model: event.model } : {}) }
      })

      host.on('audit:request-ended', async ({ requestId }) => {
        const trail = trails.get(requestId)
        if (!trail) return
        trails.delete(requestId)
        await ready().store.audit.append([auditRecordOf(trail, settings)])
      })

      host.decorate(
        'audit',
        createAuditApi({
          store: () => ready().store.audit,
          flush: () => ready().flush(),
          pageSize: settings.exportPageSize,
        }),
      )
      host.onReady((ai) => {
        instance = ai
      })
    },
    dispose() {
      trails.clear()
    },
  })
}
