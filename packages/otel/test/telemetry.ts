import { context } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace'

// Context flows through async/await, as it does with the Node SDK.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())

/** An SDK of its own for one test: spans and metrics land in memory. */
export function telemetry() {
  const spans = new InMemorySpanExporter()
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  })
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // Exported only when the test flushes it.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  })
  const meterProvider = new MeterProvider({ readers: [reader] })
  return {
    tracerProvider,
    meterProvider,
    finished: (): ReadableSpan[] => spans.getFinishedSpans(),
    /** The finished span with this name; fails when there is not exactly one. */
    one(name: string): ReadableSpan {
      const found = spans.getFinishedSpans().filter((s) => s.name === name)
      if (found.length !== 1) throw new Error(`${found.length} spans named '${name}'`)
      return found[0]!
    },
    /** The data points of one metric, after a flush. */
    async points(name: string): Promise<DataPoint<number | Histogram>[]> {
      await reader.forceFlush()
      const exported = metricExporter.getMetrics().at(-1)
      const metric = exported?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)
      return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[]
    },
    async shutdown() {
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
    },
  }
}

/** The id of a span's parent, whichever SDK field carries it. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId
}

/** Every string a span carries: name, attributes, status, events and their attributes. */
export function spanText(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
    links: span.links,
    resource: span.resource.attributes,
  })
}
