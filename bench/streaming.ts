// Scenario 2: time to the first text part and to the end of a stream, aimux, the AI SDK and raw
// fetch vs the raw SDK, every contender asking for the usage chunk at the end.
import { goal, median, percentile, type Row, round, type Servers, spread } from './measure.ts'
import { aimux, aiSdkModel, aiSdkStream, fetchStream, messages, rawClient } from './subjects.ts'

interface Subject {
  name: string
  /** One stream read to its end: whether a part carries text, for each part. */
  parts: () => AsyncIterable<unknown> | PromiseLike<AsyncIterable<unknown>>
  isText: (part: never) => boolean
  first: number[]
  total: number[]
  cpuUs: number[]
}

export async function streaming(servers: Servers, calls: number): Promise<Row[]> {
  const raw = rawClient(servers.ok)
  const ai = await aimux('no store', servers.ok)
  const model = aiSdkModel(servers.ok)
  const subject = <T>(
    name: string,
    parts: () => AsyncIterable<T> | PromiseLike<AsyncIterable<T>>,
    isText: (part: T) => boolean,
  ): Subject => ({
    name,
    parts,
    isText: isText as (part: never) => boolean,
    first: [],
    total: [],
    cpuUs: [],
  })
  const subjects = [
    subject(
      'raw openai SDK',
      () =>
        raw.chat.completions.create({
          model: 'gpt-4o-mini',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        }),
      (chunk) => Boolean(chunk.choices[0]?.delta.content),
    ),
    subject(
      'aimux, no store',
      () => ai.stream({ model: 'openai:gpt-4o-mini', messages }),
      (part) => part.type === 'text-delta',
    ),
    subject(
      'AI SDK (streamText)',
      () => aiSdkStream(model),
      () => true,
    ),
    subject(
      'raw fetch',
      () => fetchStream(servers.ok),
      (chunk) => Boolean(chunk.choices[0]?.delta.content),
    ),
  ]
  const run = async (s: Subject) => {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    let first = 0
    for await (const part of await s.parts())
      if (!first && s.isText(part as never)) first = performance.now() - t0
    const total = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    return [first, total, cpu.user + cpu.system] as const
  }
  await servers.top(100 * subjects.length)
  for (let i = 0; i < 100; i++) for (const s of subjects) await run(s)
  await servers.top(calls * subjects.length)
  for (let i = 0; i < calls; i++) {
    // Each call's turn moves by one, so that no subject always follows the same other.
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(k + i) % subjects.length]!
      const [first, total, cpuUs] = await run(s)
      s.first.push(first)
      s.total.push(total)
      s.cpuUs.push(cpuUs)
    }
  }
  await ai.close()
  // Twenty rounds of consecutive calls: each subject's wall time and CPU against the raw SDK's
  // in the same round, then the median round, as in the chat scenario.
  const rounds = 20
  const size = Math.ceil(calls / rounds)
  const sum = (values: number[], r: number) =>
    values.slice(r * size, (r + 1) * size).reduce((a, b) => a + b, 0)
  const base = subjects[0]!
  const roundsOf = (f: (r: number) => number) =>
    Array.from({ length: Math.ceil(calls / size) }, (_, r) => f(r))
  const baseFirst = percentile(base.first, 50)
  return subjects.map((s, i) => {
    const added = percentile(s.first, 50) - baseFirst
    const ratios = roundsOf((r) => sum(s.total, r) / sum(base.total, r))
    const addedCpus = roundsOf(
      (r) => (sum(s.cpuUs, r) - sum(base.cpuUs, r)) / s.cpuUs.slice(r * size, (r + 1) * size).length,
    )
    const ratio = median(ratios)
    const addedCpu = median(addedCpus)
    return {
      scenario: 'streaming',
      subject: s.name,
      numbers: {
        calls,
        'first part p50 ms': round(percentile(s.first, 50), 3),
        'first part p99 ms': round(percentile(s.first, 99), 3),
        'total p50 ms': round(percentile(s.total, 50), 3),
        'added first-part ms': round(added, 3),
        'wall ratio': round(ratio),
        'wall ratio min–max': i === 0 ? '' : spread(ratios),
        'CPU us/call': Math.round(s.cpuUs.reduce((a, b) => a + b, 0) / calls),
        'added CPU us': i === 0 ? 0 : Math.round(addedCpu),
        'added CPU us min–max': i === 0 ? '' : spread(addedCpus, 0),
      },
      ...(i === 1 ? goal('wall ratio <= 1.05, added CPU <= 50 us', ratio <= 1.05 && addedCpu <= 50) : {}),
    }
  })
}
