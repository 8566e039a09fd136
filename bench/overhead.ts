// Scenario 1: aimux chat vs the raw openai SDK call, sequential and at concurrency, interleaved
// in rounds so that every subject sees the same machine state. One at a time, the AI SDK and raw
// fetch take their turns too.
import {
  combine,
  goal,
  median,
  percentile,
  type Row,
  round,
  type Servers,
  spread,
  type Timing,
  timeCalls,
} from './measure.ts'
import {
  aimux,
  aimuxChat,
  aiSdkChat,
  aiSdkModel,
  configs,
  fetchChat,
  rawChat,
  rawClient,
} from './subjects.ts'

export async function overhead(servers: Servers, calls: number, concurrency: number): Promise<Row[]> {
  const raw = rawClient(servers.ok)
  const instances = await Promise.all(configs.map((config) => aimux(config, servers.ok)))
  type Subject = { name: string; call: () => Promise<unknown>; settle?: () => Promise<unknown> }
  const own: Subject[] = [
    { name: 'raw openai SDK', call: rawChat(raw) },
    ...instances.map((ai, i) => ({
      name: `aimux, ${configs[i]}`,
      call: aimuxChat(ai),
      settle: () => ai.flush(),
    })),
  ]
  const contenders: Subject[] = [
    { name: 'AI SDK (generateText)', call: aiSdkChat(aiSdkModel(servers.ok)) },
    { name: 'raw fetch', call: fetchChat(servers.ok) },
  ]
  const rounds = 20
  const perRound = Math.ceil(calls / rounds)
  const rows: Row[] = []
  for (const [mode, width] of [
    ['sequential', 1],
    [`concurrency ${concurrency}`, concurrency],
  ] as const) {
    const subjects = width === 1 ? [...own, ...contenders] : own
    for (const subject of subjects) {
      await servers.top(300)
      await timeCalls(subject.call, 300, width, subject.settle)
    }
    const timings: Timing[][] = subjects.map(() => [])
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < subjects.length; k++) {
        const i = (k + r) % subjects.length
        const subject = subjects[i]!
        await servers.top(perRound)
        timings[i]!.push(await timeCalls(subject.call, perRound, width, subject.settle))
      }
    }
    const totals = timings.map(combine)
    // Each round's subject against another's in the same round (the raw SDK's, or for budgets
    // the SQLite configuration's), then the median round: a burst of load elsewhere on the
    // machine moves one round, not the result.
    const against = (i: number, base: number, of: (t: Timing) => number) =>
      timings[i]!.map((round, r) => of(round) - of(timings[base]![r]!))
    const maxRatio = width === 1 ? 1.03 : 1.05
    totals.forEach((t, i) => {
      const ratios = timings[i]!.map((round, r) => round.wallMs / timings[0]![r]!.wallMs)
      const added = against(i, 0, (round) => round.cpuUs)
      const ratio = median(ratios)
      const addedCpu = median(added)
      const overSqlite = i === 3 ? median(against(3, 2, (round) => round.cpuUs)) : undefined
      const numbers = {
        calls: t.calls,
        'calls/s': Math.round((t.calls / t.wallMs) * 1000),
        'wall ratio': round(ratio),
        'wall ratio min–max': i === 0 ? '' : spread(ratios),
        'CPU us/call': Math.round(t.cpuUs),
        'added CPU us': i === 0 ? 0 : Math.round(addedCpu),
        'added CPU us min–max': i === 0 ? '' : spread(added, 0),
        'added CPU us over SQLite': overSqlite === undefined ? '' : Math.round(overSqlite),
        'p50 ms': round(percentile(t.latenciesMs, 50)),
        'p99 ms': round(percentile(t.latenciesMs, 99)),
      }
      const standing =
        i === 1
          ? goal(`ratio <= ${maxRatio}, added CPU <= 40 us`, ratio <= maxRatio && addedCpu <= 40)
          : i === 2
            ? goal('added CPU <= 60 us', addedCpu <= 60)
            : i === 3
              ? goal('budgets and rate limits add <= 60 us over SQLite', overSqlite! <= 60)
              : {}
      rows.push({ scenario: `overhead, ${mode}`, subject: subjects[i]!.name, numbers, ...standing })
    })
  }
  await Promise.all(instances.map((ai) => ai.close()))
  return rows
}
