import { readFile, writeFile } from 'node:fs/promises'
import { inspect } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkOutcome } from './check-outcome.js'
import { cellId, type Fault, type RetryMode, retryModes } from './fault.js'
import { faults } from './faults.js'
import { consoleCheck, type MatrixColumn, markOf, tableIn, tableMarkers, withColumn } from './matrix-table.js'
import { cellBoundMs, type FaultMatrixTarget, runCell } from './run-cell.js'

export type { FaultMatrixTarget } from './run-cell.js'

export interface FaultMatrixOptions extends FaultMatrixTarget {
  /**
   * Cells ('<fault id> / <default | retries off>', e.g. 'body-html / default') the adapter does
   * not pass yet, and 'console' when what the matrix made it write to the console holds the key.
   * Each is asserted to still fail, so the list shrinks as fixes land.
   */
  knownGaps?: readonly string[]
  /**
   * A markdown file whose table between `<!-- fault-matrix:start -->` and `<!-- fault-matrix:end -->`
   * shows the results: the suite fails when this adapter's column there differs from what it found.
   * With the environment variable AIMUX_FAULT_MATRIX_WRITE=1 it writes its column instead.
   */
  doc?: string | URL
  /** Cells run at once. Default 8. */
  concurrency?: number
}

/** What each cell found: the ways it differs from what the fault should give (empty: it passed). */
export type MatrixResults = Map<string, string[]>

/**
 * Runs every cell of the matrix (every fault, through createAI with its defaults and with retries
 * off), a few at once, and returns how each differs from what it should give.
 */
export async function runFaultMatrix(target: FaultMatrixTarget, concurrency = 8): Promise<MatrixResults> {
  const cells = faults.flatMap((fault) => retryModes.map((mode) => ({ fault, mode })))
  const results: MatrixResults = new Map()
  const work = async () => {
    for (let cell = cells.shift(); cell; cell = cells.shift()) {
      const { fault, mode } = cell
      try {
        results.set(cellId(fault, mode), checkOutcome(fault, mode, await runCell(target, fault, mode)))
      } catch (error) {
        results.set(cellId(fault, mode), [`the cell could not run: ${String(error)}`])
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, work))
  return results
}

/** The adapter's column for the docs' table. */
export function columnOf(name: string, results: MatrixResults): MatrixColumn {
  const failedModes = (fault: Fault) =>
    retryModes.filter((mode: RetryMode) => (results.get(cellId(fault, mode)) ?? ['not run']).length > 0)
  const marks = Object.fromEntries(faults.map((fault) => [fault.id, markOf(failedModes(fault))]))
  marks[consoleCheck] = (results.get(consoleCheck) ?? ['not run']).length > 0 ? '✗' : '✓'
  return { name, marks }
}

/**
 * The vitest suite that runs one adapter against every fault: status codes (400 context length,
 * 401, 403, 404 unknown model, 408, 429 with Retry-After in seconds, milliseconds and as a date,
 * 500, 502, 503, 529), connections refused or reset before headers or mid-stream, stalls before
 * the first byte and mid-stream, and bodies that cannot be read (malformed JSON, truncated SSE, a
 * garbage SSE line, empty, HTML). Each runs through createAI with its defaults and with retries
 * off, against a fake server (behind a fault-injecting proxy where needed) that echoes the key
 * back. Every cell checks the error's class, `retryable`, `status` and `retryAfterMs`, the
 * attempts made, a bounded time, that the key is nowhere (error chain, inspect, JSON, events,
 * usage record) and that the failed call's usage record was written.
 *
 * @example
 * faultMatrix({
 *   name: 'openai',
 *   model: 'openai:gpt-4o-mini',
 *   apiKey,
 *   protocol: () => openaiChatProtocol(),
 *   plugin: (url) => openai({ apiKey, baseURL: `${url}/v1` }),
 * })
 */
export function faultMatrix(options: FaultMatrixOptions): void {
  const knownGaps = new Set(options.knownGaps ?? [])
  const cellIds = [...faults.flatMap((fault) => retryModes.map((mode) => cellId(fault, mode))), consoleCheck]
  const concurrency = options.concurrency ?? 8
  const bounds = faults.flatMap((fault) => retryModes.map((mode) => cellBoundMs(fault, mode)))
  const matrixTimeoutMs =
    Math.ceil(bounds.reduce((sum, bound) => sum + bound + 12_000, 0) / concurrency) +
    Math.max(...bounds) +
    12_000

  describe(`fault matrix: ${options.name}`, () => {
    let results: MatrixResults = new Map()
    beforeAll(async () => {
      const capture = captureConsole()
      try {
        results = await runFaultMatrix(options, concurrency)
      } finally {
        const printed = capture.release()
        const leaked = printed.includes(options.apiKey)
        results.set(consoleCheck, leaked ? [`the key was written to the console:\n${printed}`] : [])
      }
    }, matrixTimeoutMs)

    const check = (id: string) => () => {
      const failures = results.get(id) ?? ['not run']
      if (knownGaps.has(id)) expect(failures, `${id} passes now: take it off knownGaps`).not.toEqual([])
      else expect(failures, id).toEqual([])
    }
    const gapNote = (id: string) => (knownGaps.has(id) ? ', a known gap' : '')
    for (const fault of faults) {
      for (const mode of retryModes) {
        const id = cellId(fault, mode)
        it(`${fault.group}: ${fault.label} (${mode})${gapNote(id)}`, check(id))
      }
    }
    it(`writes no key to the console${gapNote(consoleCheck)}`, check(consoleCheck))

    it('names only cells that exist as known gaps', () => {
      expect([...knownGaps].filter((id) => !cellIds.includes(id))).toEqual([])
    })

    const doc = options.doc
    if (doc !== undefined) {
      it(`shows its results in the table of ${String(doc)}`, async () => {
        const text = await readFile(doc, 'utf8')
        const updated = withColumn(text, columnOf(options.name, results))
        if (process.env.AIMUX_FAULT_MATRIX_WRITE === '1') await writeFile(doc, updated)
        else {
          expect(
            tableIn(text),
            `the ${tableMarkers.start} table is out of date: run the suite with AIMUX_FAULT_MATRIX_WRITE=1`,
          ).toBe(tableIn(updated))
        }
      })
    }
  })
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

/**
 * Records what is written through `console` (an SDK's warnings, say) instead of printing it;
 * `release()` puts the methods back and returns the text.
 */
function captureConsole(): { release(): string } {
  const lines: string[] = []
  const originals = consoleMethods.map((name) => [name, console[name]] as const)
  for (const name of consoleMethods) {
    console[name] = (...args: unknown[]) =>
      void lines.push(args.map((arg) => inspect(arg, { depth: null })).join(' '))
  }
  return {
    release() {
      for (const [name, original] of originals) console[name] = original
      return lines.join('\n')
    },
  }
}
