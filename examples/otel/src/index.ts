// aimux OpenTelemetry example: the OpenTelemetry Node SDK started first, then an aimux instance
// with the otel() plugin; a request with a tool call is traced (request span, an attempt span per
// model call, an execute_tool span, the tool's own span inside it) and measured (tokens, duration,
// cost), and everything is exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (default
// http://localhost:4318, a local collector or Jaeger). With OPENAI_API_KEY set it talks to OpenAI;
// without, to a local fake server that speaks OpenAI's wire protocol, so it runs anywhere.
import { createAI, formatUsd, type Tool } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { otel } from '@aimux/otel'
import { trace } from '@opentelemetry/api'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { NodeSDK } from '@opentelemetry/sdk-node'

// The SDK first: it registers the global tracer and meter providers and the async context the
// plugin's spans travel in.
const sdk = new NodeSDK({
  serviceName: 'aimux-otel-example',
  traceExporter: new OTLPTraceExporter(),
  metricReaders: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })],
})
sdk.start()

const apiKey = process.env.OPENAI_API_KEY
const server = apiKey ? undefined : await createFakeServer(openaiChatProtocol())
server?.enqueue(
  {
    toolCalls: [{ name: 'stock_level', args: { sku: 'lemon' } }],
    usage: { inputTokens: 120, outputTokens: 18 },
  },
  { text: 'There are 42 lemons in stock.', usage: { inputTokens: 160, outputTokens: 9 } },
)

const ai = await createAI({
  plugins: [
    openai({
      apiKey: apiKey ?? 'sk-demo-not-a-real-key',
      ...(server ? { baseURL: `${server.url}/v1` } : {}),
    }),
    // The global providers the SDK registered; `captureContent: true` would add the messages.
    otel(),
  ],
  defaultModel: 'openai:gpt-4o-mini',
})

// The application's own span inside a tool nests under the tool's execute_tool span.
const tracer = trace.getTracer('aimux-otel-example')
const stockLevel: Tool = {
  name: 'stock_level',
  description: 'How many of an item are in stock',
  parameters: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
  execute: () =>
    tracer.startActiveSpan('inventory lookup', (span) => {
      span.end()
      return { sku: 'lemon', count: 42 }
    }),
}

console.log(
  `aimux otel example: talking to ${server ? `a local fake OpenAI server at ${server.url}` : 'OpenAI'}`,
)
const res = await tracer.startActiveSpan('handle question', async (span) => {
  try {
    return await ai.chat({
      messages: [{ role: 'user', content: 'How many lemons are in stock?' }],
      tools: [stockLevel],
    })
  } finally {
    span.end()
  }
})
console.log(`assistant: ${res.text}`)
console.log(
  `${res.steps.length} model calls · ${res.usage.inputTokens} in / ${res.usage.outputTokens} out tokens · ${formatUsd(res.cost.nanoUsd)}`,
)

await ai.close()
await server?.close()
// Flushes the last spans and metrics to the collector.
await sdk.shutdown()
console.log('exported')
