import type { Tracer } from '@opentelemetry/api'
import type { Instruments } from './metrics.js'

/** What every span of one plugin instance is made with. */
export interface TraceSettings {
  tracer: Tracer
  instruments: Instruments
  /** Message content, tool arguments and tool results on spans: off unless asked for. */
  captureContent: boolean
}

/** Seconds since `started` (a `performance.now()` reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000
}
