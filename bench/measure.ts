// The small shared helpers: the fake servers' process, timing a batch of calls, percentiles.
import { type ChildProcess, fork } from 'node:child_process'
import { cpus } from 'node:os'

export interface Servers {
  /** Base URL (with /v1) of the server answering every call with the same small reply. */
  ok: string
  /** Base URL (with /v1) of the server answering 503 to every call. */
  failing: string
  /** Scripts `n` more replies on the answering server and `fail` more 503s on the failing one. */
  top(n: number, fail?: number): Promise<void>
  close(): void
}

export async function startServers(): Promise<Servers> {
  const child: ChildProcess = fork(new URL('./server-process.ts', import.meta.url))
  const waiting = new Map<number, () => void>()
  let next = 1
  const ready = new Promise<{ ok: string; failing: string }>((resolve) => {
    child.on('message', (message: { id: number; ok?: string; failing?: string }) => {
      if (message.id === 0) resolve({ ok: message.ok!, failing: message.failing! })
      waiting.get(message.id)?.()
      waiting.delete(message.id)
    })
  })
  const urls = await ready
  return {
    ok: `${urls.ok}/v1`,
    failing: `${urls.failing}/v1`,
    top: (n, fail = 0) =>
      new Promise((resolve) => {
        const id = next++
        waiting.set(id, resolve)
        child.send({ id, enqueue: n, fail })
      }),
    close: () => child.disconnect(),
  }
}

export interface Timing {
  calls: number
  wallMs: number
  /** Process CPU time (user + system) per call, microseconds. */
  cpuUs: number
  latenciesMs: number[]
}

/**
 * Runs `calls` calls, `concurrency` at a time, and times each and all of them; `settle` (waiting
 * for background work such as usage records) counts in the wall and CPU time.
 */
export async function timeCalls(
  call: () => Promise<unknown>,
  calls: number,
  concurrency = 1,
  settle?: () => Promise<unknown>,
): Promise<Timing> {
  const latenciesMs: number[] = []
  let started = 0
  const worker = async () => {
    while (started < calls) {
      started++
      const t0 = performance.now()
      await call()
      latenciesMs.push(performance.now() - t0)
    }
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker))
  await settle?.()
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { calls, wallMs, cpuUs: (cpu.user + cpu.system) / calls, latenciesMs }
}

/** Adds up several timings of the same subject. */
export function combine(timings: Timing[]): Timing {
  const calls = timings.reduce((sum, t) => sum + t.calls, 0)
  return {
    calls,
    wallMs: timings.reduce((sum, t) => sum + t.wallMs, 0),
    cpuUs: timings.reduce((sum, t) => sum + t.cpuUs * t.calls, 0) / calls,
    latenciesMs: timings.flatMap((t) => t.latenciesMs),
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length / 2
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits))

/** The spread of per-round values, as "min–max". */
export function spread(values: number[], digits = 2): string {
  return `${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)}`
}

export function machine() {
  const list = cpus()
  return {
    cpu: list[0]?.model ?? 'unknown',
    cores: list.length,
    node: process.version,
    date: new Date().toISOString(),
  }
}

/** One row of the printed table: a scenario, a subject, its numbers, and where it stands on its goal. */
export interface Row {
  scenario: string
  subject: string
  numbers: Record<string, number | string>
  goal?: string
  met?: boolean
  /** Samples over the run, for a chart. */
  series?: number[]
}

export const goal = (text: string, met: boolean) => ({ goal: text, met })
