import { BudgetExceededError, ConfigError, definePlugin, type Plugin } from '@aimux/ai-core'
import { type MeterProvider, metrics, type TracerProvider, trace } from '@opentelemetry/api'
import { AIMUX } from './attributes.js'
import { createInstruments } from './metrics.js'
import { openRequestSpan, type RequestSpan } from './request-span.js'
import type { TraceSettings } from './trace-settings.js'

export interface OtelOptions {
  /** Where spans go. Default: the global tracer provider, the one the application's SDK registered. */
  tracerProvider?: TracerProvider
  /** Where metrics go. Default: the global meter provider. */
  meterProvider?: MeterProvider
  /**
   * Put message content on spans: the messages sent and answered, tool arguments and tool
   * results. Off by default, because prompts and answers are often personal or confidential.
   */
  captureContent?: boolean
}

const NAME = '@aimux/otel'

/** Checks the options by hand, so the plugin depends on nothing but the OpenTelemetry API. */
function checked(options: OtelOptions): OtelOptions {
  const wrong: string[] = []
  if (options.captureContent !== undefined && typeof options.captureContent !== 'boolean')
    wrong.push('captureContent: expected a boolean')
  if (options.tracerProvider !== undefined && typeof options.tracerProvider?.getTracer !== 'function')
    wrong.push('tracerProvider: expected a TracerProvider (with getTracer)')
  if (options.meterProvider !== undefined && typeof options.meterProvider?.getMeter !== 'function')
    wrong.push('meterProvider: expected a MeterProvider (with getMeter)')
  if (wrong.length > 0) throw new ConfigError(`Invalid otel options: ${wrong.join('; ')}`)
  return options
}

/**
 * OpenTelemetry GenAI spans and metrics for every request: a `chat <model>` span per request with
 * its usage and cost, a child span per model call attempt, an `execute_tool <name>` span per tool
 * call, token, duration, time-to-first-chunk and cost metrics. The application brings its own SDK.
 *
 * @example
 * const ai = await createAI({ plugins: [openai(), otel()] })
 */
export function otel(options: OtelOptions = {}): Plugin {
  const { tracerProvider, meterProvider, captureContent = false } = checked(options)
  return definePlugin({
    name: 'otel',
    setup(host) {
      const settings: TraceSettings = {
        tracer: (tracerProvider ?? trace.getTracerProvider()).getTracer(NAME),
        instruments: createInstruments((meterProvider ?? metrics.getMeterProvider()).getMeter(NAME)),
        captureContent,
      }
      const open = new Map<string, RequestSpan>()
      const close = (requestId: string, endTime: number) => {
        open.get(requestId)?.span.end(endTime)
        open.delete(requestId)
      }
      host.onRequest((input) => {
        const { requestId } = input
        const request = openRequestSpan(settings, input, (outcome) => {
          const endTime = Date.now()
          // The 'budget:exceeded' event that names the budget is delivered on a later turn: the
          // span stays open until it has been, and ends at the time the request did.
          if (BudgetExceededError.is(outcome.error)) setImmediate(() => close(requestId, endTime))
          else close(requestId, endTime)
        })
        open.set(requestId, request)
        return { around: request.around }
      })
      host.on('budget:exceeded', (event) => {
        open
          .get(event.requestId)
          ?.span.setAttributes({ [AIMUX.budgetScope]: event.scope, [AIMUX.budgetPeriod]: event.period })
      })
      host.on('cost', (event) => {
        if (event.cost.usd > 0)
          settings.instruments.cost.add(event.cost.usd, {
            'gen_ai.provider.name': event.provider,
            'gen_ai.request.model': event.model,
          })
      })
    },
  })
}
