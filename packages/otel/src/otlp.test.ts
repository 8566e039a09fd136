import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAI } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { describe, expect, it } from 'vitest'
import { otel } from './otel.js'

interface Received {
  path: string | undefined
  contentType: string | undefined
  body: string
}

/** A collector stand-in on 127.0.0.1: it keeps each export and answers 200. */
async function receiver() {
  const received: Received[] = []
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    received.push({
      path: req.url,
      contentType: req.headers['content-type'],
      body: Buffer.concat(chunks).toString(),
    })
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

type OtlpValue = {
  stringValue?: string
  intValue?: string | number
  doubleValue?: number
  boolValue?: boolean
}

describe('otel: OTLP/HTTP export', () => {
  it('sends the request and attempt spans, with their GenAI attributes, to a collector', async () => {
    const collector = await receiver()
    const tracerProvider = new TracerProvider({
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: collector.url }) })],
    })
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock, otel({ tracerProvider })],
      defaultModel: 'mock:mock-model',
      prices: [{ provider: 'mock', model: 'mock-model', price: { input: 1, output: 2 } }],
    })
    mock.enqueue({ text: 'Paris.', usage: { inputTokens: 12, outputTokens: 3 } })
    const res = await ai.chat({ messages: [{ role: 'user', content: 'Capital of France?' }] })
    await ai.close()
    await tracerProvider.forceFlush()
    await tracerProvider.shutdown()
    await collector.close()

    expect(collector.received.length).toBeGreaterThan(0)
    expect(collector.received[0]?.path).toBe('/v1/traces')
    expect(collector.received[0]?.contentType).toContain('application/json')
    const spans = collector.received.flatMap((r) => {
      const body = JSON.parse(r.body) as {
        resourceSpans: {
          scopeSpans: {
            scope: { name: string }
            spans: {
              name: string
              traceId: string
              spanId: string
              parentSpanId?: string
              attributes: { key: string; value: OtlpValue }[]
            }[]
          }[]
        }[]
      }
      return body.resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, scope: ss.scope.name }))),
      )
    })
    expect(spans).toHaveLength(2)
    const attributes = (span: (typeof spans)[number]) =>
      Object.fromEntries(span.attributes.map((a) => [a.key, Object.values(a.value)[0]]))
    const request = spans.find((s) => attributes(s)['aimux.steps'] !== undefined)!
    const attempt = spans.find((s) => s !== request)!
    expect(request.scope).toBe('@aimux/otel')
    expect(request.name).toBe('chat mock-model')
    expect(attempt.parentSpanId).toBe(request.spanId)
    expect(attempt.traceId).toBe(request.traceId)
    expect(attributes(request)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-model',
      'aimux.cost.usd': res.cost.usd,
    })
    expect(Number(attributes(request)['gen_ai.usage.input_tokens'])).toBe(12)
  })
})
