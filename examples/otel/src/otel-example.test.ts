import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

interface OtlpSpan {
  name: string
  spanId: string
  parentSpanId?: string
  attributes: { key: string; value: Record<string, unknown> }[]
}

describe('the otel example', () => {
  it('exports the request, attempt and tool spans and the metrics to an OTLP/HTTP collector', async () => {
    const bodies = new Map<string, string[]>()
    const collector = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      bodies.set(req.url ?? '', [...(bodies.get(req.url ?? '') ?? []), Buffer.concat(chunks).toString()])
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
    collector.listen(0, '127.0.0.1')
    await once(collector, 'listening')
    const { port } = collector.address() as AddressInfo
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    }
    delete env.OPENAI_API_KEY
    try {
      const { stdout } = await run(
        process.execPath,
        [fileURLToPath(new URL('./index.ts', import.meta.url))],
        {
          env,
          timeout: 60_000,
        },
      )
      expect(stdout).toContain('talking to a local fake OpenAI server at http://127.0.0.1:')
      expect(stdout).toContain('assistant: There are 42 lemons in stock.')
      // 280 input tokens at $0.15 and 27 output tokens at $0.60 per million.
      expect(stdout).toContain('2 model calls · 280 in / 27 out tokens · $0.0000582')
      expect(stdout).toContain('exported')
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()))
    }
    const spans = (bodies.get('/v1/traces') ?? []).flatMap((body) =>
      (
        JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }
      ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    )
    const named = (name: string) => spans.filter((s) => s.name === name)
    const [outer] = named('handle question')
    const tool = named('execute_tool stock_level')[0]
    const chats = named('chat gpt-4o-mini')
    expect(chats).toHaveLength(3)
    const request = chats.find((s) => s.parentSpanId === outer?.spanId)
    expect(request).toBeDefined()
    expect(chats.filter((s) => s.parentSpanId === request?.spanId)).toHaveLength(2)
    expect(tool?.parentSpanId).toBe(request?.spanId)
    expect(named('inventory lookup')[0]?.parentSpanId).toBe(tool?.spanId)
    expect(request?.attributes.map((a) => a.key)).toContain('aimux.cost.usd')
    const metrics = (bodies.get('/v1/metrics') ?? []).join('\n')
    for (const name of ['gen_ai.client.token.usage', 'gen_ai.client.operation.duration', 'aimux.client.cost'])
      expect(metrics).toContain(name)
  }, 90_000)
})
