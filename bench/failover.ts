// Scenario 4: a primary that refuses connections, answers 503, or sits behind an open circuit;
// time until the fallback's answer reaches the caller (retries off, a fallback chain).
import { createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { goal, percentile, type Row, round, type Servers, timeCalls } from './measure.ts'
import { messages } from './subjects.ts'

async function withPrimary(primaryURL: string, backupURL: string, circuit: boolean) {
  return createAI({
    plugins: [
      openai({ id: 'primary', apiKey: 'sk-bench', baseURL: primaryURL }),
      openai({ id: 'backup', apiKey: 'sk-bench', baseURL: backupURL }),
    ],
    retry: false,
    fallbacks: { 'primary:gpt-4o-mini': ['backup:gpt-4o-mini'] },
    ...(circuit ? { circuitBreaker: { minRequests: 5, failureRate: 0.5, openMs: 600_000 } } : {}),
  })
}

export async function failover(servers: Servers, calls: number): Promise<Row[]> {
  const refused = 'http://127.0.0.1:9/v1'
  const cases = [
    { name: 'primary refuses connections', ai: await withPrimary(refused, servers.ok, false) },
    { name: 'primary answers 503', ai: await withPrimary(servers.failing, servers.ok, false) },
    { name: 'open circuit, fails fast', ai: await withPrimary(servers.failing, servers.ok, true) },
  ]
  const rows: Row[] = []
  for (const c of cases) {
    const call = () => c.ai.chat({ model: 'primary:gpt-4o-mini', messages })
    // Warm up; on the circuit case this also opens the circuit.
    await servers.top(50, 50)
    for (let i = 0; i < 50; i++) await call()
    await servers.top(calls, calls)
    const t = await timeCalls(call, calls)
    const p50 = percentile(t.latenciesMs, 50)
    rows.push({
      scenario: 'failover',
      subject: c.name,
      numbers: {
        calls,
        'p50 ms': round(p50, 3),
        'p99 ms': round(percentile(t.latenciesMs, 99), 3),
      },
      ...goal('fallback answer < 20 ms (p50)', p50 < 20),
    })
    await c.ai.close()
  }
  return rows
}
