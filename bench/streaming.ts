// Scenario 2: time to the first text part and to the end of a stream, aimux vs the raw SDK.
import { goal, percentile, type Row, round, type Servers } from './measure.ts'
import { aimux, messages, rawClient } from './subjects.ts'

export async function streaming(servers: Servers, calls: number): Promise<Row[]> {
  const raw = rawClient(servers.ok)
  const ai = await aimux('no store', servers.ok)
  const rawStream = async () => {
    const t0 = performance.now()
    let first = 0
    const stream = await raw.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })
    for await (const chunk of stream)
      if (!first && chunk.choices[0]?.delta.content) first = performance.now() - t0
    return [first, performance.now() - t0] as const
  }
  const aimuxStream = async () => {
    const t0 = performance.now()
    let first = 0
    for await (const part of ai.stream({ model: 'openai:gpt-4o-mini', messages })) {
      if (!first && part.type === 'text-delta') first = performance.now() - t0
    }
    return [first, performance.now() - t0] as const
  }
  const subjects = [
    { name: 'raw openai SDK', run: rawStream, first: [] as number[], total: [] as number[] },
    { name: 'aimux, no store', run: aimuxStream, first: [] as number[], total: [] as number[] },
  ]
  await servers.top(200)
  for (let i = 0; i < 100; i++) for (const s of subjects) await s.run()
  await servers.top(calls * 2)
  for (let i = 0; i < calls; i++) {
    for (const s of subjects) {
      const [first, total] = await s.run()
      s.first.push(first)
      s.total.push(total)
    }
  }
  await ai.close()
  const base = percentile(subjects[0]!.first, 50)
  return subjects.map((s, i) => {
    const added = percentile(s.first, 50) - base
    return {
      scenario: 'streaming',
      subject: s.name,
      numbers: {
        calls,
        'first part p50 ms': round(percentile(s.first, 50), 3),
        'first part p99 ms': round(percentile(s.first, 99), 3),
        'total p50 ms': round(percentile(s.total, 50), 3),
        'added first-part ms': round(added, 3),
      },
      ...(i === 0 ? {} : goal('first-part overhead < 0.5 ms (p50)', added < 0.5)),
    }
  })
}
