import type { AimuxError, AssistantPart, ToolCall } from '@aimux/ai-core'
import { expect } from 'vitest'

/** An error class of ai-core, such as RateLimitError: recognised with `is`, named by `name`. */
export interface ErrorClass {
  readonly name: string
  is(value: unknown): boolean
}

/**
 * Fails unless `error` is an instance of `type` (by its `is` check, so a second copy of ai-core
 * passes too), naming both: "expected a RateLimitError, got ProviderError: <message>".
 */
export function expectError(error: unknown, type: ErrorClass): asserts error is AimuxError {
  if (type.is(error)) return
  const article = /^[AEIOU]/.test(type.name) ? 'an' : 'a'
  expect.fail(`expected ${article} ${type.name}, got ${describeError(error)}`)
}

function describeError(error: unknown): string {
  if (error === undefined) return 'no error'
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return `${typeof error} ${String(error)}`
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  )
  if ('resolved' in outcome)
    expect.fail(`expected the call to fail, it returned ${JSON.stringify(outcome.resolved)}`)
  return outcome.rejected
}

export interface Collected<P> {
  parts: P[]
  error?: unknown
}

/** Reads a stream to its end or its error; fails the test when the stream neither ends nor fails in time. */
export async function collectWithin<P>(
  stream: AsyncIterable<P>,
  timeoutMs: number,
  onPart?: (part: P) => void,
): Promise<Collected<P>> {
  const parts: P[] = []
  const iterator = stream[Symbol.asyncIterator]()
  const deadline = Date.now() + timeoutMs
  while (true) {
    let timer: NodeJS.Timeout | undefined
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the stream neither ended nor failed within ${timeoutMs} ms`)),
        Math.max(0, deadline - Date.now()),
      )
    })
    const step = await Promise.race([
      iterator.next().then(
        (next) => ({ next }),
        (error: unknown) => ({ error }),
      ),
      hung,
    ]).finally(() => clearTimeout(timer))
    if ('error' in step) return { parts, error: step.error }
    if (step.next.done) return { parts }
    parts.push(step.next.value)
    onPart?.(step.next.value)
  }
}

export function textOf(content: AssistantPart[]): string {
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

/** The text of each text-delta part, from an adapter's stream or from ai.stream(). */
export function textDeltas(parts: readonly { type: string; text?: unknown }[]): string[] {
  return parts.flatMap((part) =>
    part.type === 'text-delta' && typeof part.text === 'string' ? [part.text] : [],
  )
}

export function expectDistinctIds(calls: Pick<ToolCall, 'id'>[]) {
  for (const call of calls) expect(call.id).toMatch(/\S/)
  expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length)
}
