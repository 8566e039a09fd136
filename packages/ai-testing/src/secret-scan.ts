import { inspect } from 'node:util'

/** The events of the core that a scan listens to by default. */
export const scannedEvents = [
  'request',
  'response',
  'cost',
  'error',
  'tool:call',
  'models:synced',
  'rate-limit',
  'route',
  'cache',
  'retry',
  'circuit:state',
  'provider:switched',
  'budget:threshold',
  'budget:exceeded',
  'background:error',
] as const

/** Something events can be listened to on, such as an aimux instance. */
export interface EventSource {
  // biome-ignore lint/suspicious/noExplicitAny: any instance's `on`, whatever its event map.
  on(event: any, listener: (payload: unknown) => void): unknown
}

/**
 * Every way a value may be shown: `util.inspect` at any depth with hidden fields and getters,
 * JSON, `String()`, and the message and stack of every error down its cause chain.
 */
export function shownEverywhere(value: unknown): string {
  const parts = [inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true })]
  try {
    parts.push(JSON.stringify(value) ?? '')
  } catch {}
  const seen = new Set<unknown>()
  for (let error: unknown = value; error instanceof Error && !seen.has(error); error = error.cause) {
    seen.add(error)
    parts.push(String(error), error.message, error.stack ?? '')
  }
  return parts.join('\n')
}

export interface SecretScan {
  /** Records a value as anything could show it. */
  record(value: unknown): void
  /** Records every event `source` emits from now on. */
  listen(source: EventSource, events?: readonly string[]): void
  /** Everything recorded, console output included, as one text. */
  readonly text: string
  /** The secrets found anywhere in what was recorded (whole, or their last 12 characters). */
  found(secrets: readonly string[]): string[]
  /** Gives the console back. */
  stop(): void
}

/**
 * Starts recording what a test could leak: values it records, events of the sources it listens
 * to, and everything written through `console`, each shown every way it could be
 * ({@link shownEverywhere}). `found()` then names the secrets that appear.
 *
 * @example
 * const scan = startSecretScan()
 * scan.listen(ai)
 * await ai.chat(request).catch(scan.record)
 * scan.stop()
 * expect(scan.found([key])).toEqual([])
 */
export function startSecretScan(): SecretScan {
  const recorded: string[] = []
  const record = (value: unknown) => void recorded.push(shownEverywhere(value))
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const originals = methods.map((method) => [method, console[method]] as const)
  for (const method of methods) console[method] = (...args: unknown[]) => record(args)
  return {
    record,
    listen(source, events = scannedEvents) {
      for (const event of events) source.on(event, record)
    },
    get text() {
      return recorded.join('\n')
    },
    found(secrets) {
      const text = recorded.join('\n')
      return secrets.filter((secret) => text.includes(secret) || text.includes(secret.slice(-12)))
    },
    stop() {
      for (const [method, original] of originals) console[method] = original
    },
  }
}
