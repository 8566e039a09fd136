import { AimuxError, type AimuxEventName, type ChatRequest, createAI, type Plugin } from '@aimux/ai-core'
import { createFakeServer, type WireProtocol } from '../fake-server.js'
import { type Fault, type RetryMode, scriptedReply } from './fault.js'
import { createFaultProxy, type FaultProxy, refusedUrl } from './fault-proxy.js'
import { findSecret } from './find-secret.js'

/** One adapter under the matrix: its plugin, pointed at whatever URL the cell gives it. */
export interface FaultMatrixTarget {
  /** Names the suite and the adapter's column in the docs, e.g. 'anthropic'. */
  name: string
  /** "provider:model", as the plugin registers it. */
  model: string
  /** The wire protocol of the fake server the provider talks to. */
  protocol: () => WireProtocol
  /** The plugin, given the server's URL (http://127.0.0.1:PORT, no trailing slash). */
  plugin: (url: string) => Plugin
  /** The key the plugin was given: the fake server echoes it back, and it must never come out. */
  apiKey: string
}

/** What one call under one fault ended with. */
export interface CellOutcome {
  error?: {
    name: string
    code: string
    message: string
    retryable: boolean
    status: number | undefined
    retryAfterMs: number | undefined
    causeCode?: string
    causeMessage?: string
    partialText?: string
  }
  /** Attempts made: the 'retry' events of the call, plus one. */
  attempts: number
  elapsedMs: number
  /** What did not settle within seconds after the call: 'ai.flush()', 'ai.close()'. */
  stuck: string[]
  /** Where the key was found: 'error', 'events', 'usage'. */
  leaks: string[]
  /** The call's usage record, or undefined when none was written. */
  usage?: { success: boolean; errorCode?: string }
}

const eventNames: readonly AimuxEventName[] = [
  'request',
  'response',
  'cost',
  'error',
  'retry',
  'rate-limit',
  'cache',
  'circuit:state',
  'provider:switched',
  'background:error',
]

/** How long a cell may take: ten times what it waits by design, plus a second of slack first. */
export function cellBoundMs(fault: Fault, mode: RetryMode): number {
  return 10 * (1_000 + fault.waitMs[mode])
}

let cells = 0

/**
 * Runs one call under one fault, through createAI with its defaults or with retries off, and
 * reports how it ended. Nothing here asserts: {@link checkOutcome} compares.
 */
export async function runCell(
  target: FaultMatrixTarget,
  fault: Fault,
  mode: RetryMode,
): Promise<CellOutcome> {
  const server = await createFakeServer(target.protocol(), { echoKey: true })
  const source = fault.source()
  let proxy: FaultProxy | undefined
  let url = server.url
  if ('refused' in source) url = await refusedUrl()
  else {
    const turn = 'turn' in source ? source.turn : scriptedReply
    server.enqueue(...Array.from({ length: 10 }, () => turn))
    if ('proxy' in source) {
      proxy = await createFaultProxy(server.url, source.proxy)
      url = proxy.url
    }
  }
  const ai = await createAI({
    plugins: [target.plugin(url)],
    ...(mode === 'retries off' ? { retry: false } : {}),
  })
  const events: { name: string; payload: unknown }[] = []
  for (const name of eventNames) ai.on(name, (payload) => void events.push({ name, payload }))

  cells += 1
  const requestId = `fault-matrix-${cells}-${fault.id}`
  const bound = cellBoundMs(fault, mode)
  const controller = new AbortController()
  const request = {
    model: target.model,
    messages: [{ role: 'user', content: 'Hello there' }],
    requestId,
    signal: controller.signal,
    ...(fault.timeout ? { timeout: fault.timeout } : {}),
  } as ChatRequest
  const started = performance.now()
  let text = ''
  const call = async () => {
    if (fault.call === 'chat') return void (await ai.chat(request))
    for await (const part of ai.stream(request)) if (part.type === 'text-delta') text += part.text
  }
  const { thrown } = await within(call(), bound, () =>
    controller.abort(new Error('the fault matrix gave up')),
  )
  const elapsedMs = performance.now() - started

  const stuck: string[] = []
  if ((await within(ai.flush(), 5_000)).hung) stuck.push('ai.flush()')
  const usage = await ai.usage.get(requestId).catch(() => undefined)
  if ((await within(ai.close(), 5_000)).hung) stuck.push('ai.close()')
  await Promise.all([proxy?.close(), server.close()])

  const outcome: CellOutcome = {
    attempts: 1 + events.filter((event) => event.name === 'retry').length,
    elapsedMs,
    stuck,
    leaks: findSecret(target.apiKey, { error: thrown, events, usage, text }),
  }
  if (usage)
    outcome.usage = { success: usage.success, ...(usage.errorCode ? { errorCode: usage.errorCode } : {}) }
  if (thrown !== undefined) outcome.error = describeError(thrown)
  return outcome
}

/** What a thrown value says, in the terms the matrix checks. */
function describeError(thrown: unknown): NonNullable<CellOutcome['error']> {
  if (!AimuxError.is(thrown)) {
    const name = thrown instanceof Error ? thrown.name : typeof thrown
    return {
      name,
      code: '(not an aimux error)',
      message: thrown instanceof Error ? thrown.message : String(thrown),
      retryable: false,
      status: undefined,
      retryAfterMs: undefined,
    }
  }
  const described: NonNullable<CellOutcome['error']> = {
    name: thrown.name,
    code: thrown.code,
    message: thrown.message,
    retryable: thrown.retryable,
    status: thrown.status,
    retryAfterMs: thrown.retryAfterMs,
  }
  if (thrown.cause !== undefined) {
    const cause = thrown.cause
    described.causeCode = AimuxError.is(cause) ? cause.code : '(not an aimux error)'
    described.causeMessage = cause instanceof Error ? cause.message : String(cause)
  }
  if ('partialText' in thrown && typeof thrown.partialText === 'string')
    described.partialText = thrown.partialText
  return described
}

/**
 * What `work` threw (undefined when it settled fine). Past `ms`, `onTimeout` runs (to abort the
 * work); if the work still has not settled a second later, it is left behind and reported hung.
 */
async function within(
  work: Promise<unknown>,
  ms: number,
  onTimeout?: () => void,
): Promise<{ hung: boolean; thrown?: unknown }> {
  let timer: NodeJS.Timeout | undefined
  let grace: NodeJS.Timeout | undefined
  const hung = new Promise<{ hung: boolean; thrown?: unknown }>((resolve) => {
    timer = setTimeout(() => {
      onTimeout?.()
      grace = setTimeout(
        () => resolve({ hung: true, thrown: new Error(`still running ${ms} ms later`) }),
        1_000,
      )
    }, ms)
  })
  try {
    return await Promise.race([
      work.then(
        () => ({ hung: false }),
        (thrown: unknown) => ({ hung: false, thrown }),
      ),
      hung,
    ])
  } finally {
    clearTimeout(timer)
    clearTimeout(grace)
  }
}
