import type { Fault, RetryMode } from './fault.js'
import { faults } from './faults.js'

/** The comments a markdown file puts around its fault-matrix table. */
export const tableMarkers = { start: '<!-- fault-matrix:start -->', end: '<!-- fault-matrix:end -->' }

/** One adapter's column: a mark per fault id ('✓', '✗', '✗ default' or '✗ retries off'). */
export interface MatrixColumn {
  name: string
  marks: Record<string, string>
}

/** The id of the check that nothing the matrix made the adapter print to the console holds the key. */
export const consoleCheck = 'console'
const consoleLabel = 'printed to the console'
const consoleCells = ['logs', consoleLabel, '–', 'nothing holds the key', '–', '–', '–', '–']

const fixedHeadings = [
  'Group',
  'Fault',
  'Call',
  'Error',
  '`retryable`',
  '`status`',
  '`retryAfterMs`',
  'Attempts',
]

/** The mark of one fault from the modes that failed: '✓' when none did. */
export function markOf(failedModes: readonly RetryMode[]): string {
  if (failedModes.length === 0) return '✓'
  if (failedModes.length > 1) return '✗'
  return `✗ ${failedModes[0]}`
}

function expectedCells(fault: Fault): string[] {
  const e = fault.expect
  const cause = e.causeCodes ? `, cause ${e.causeCodes.map((code) => `\`${code}\``).join(' or ')}` : ''
  const retryAfter =
    e.retryAfterMs === undefined
      ? '–'
      : typeof e.retryAfterMs === 'number'
        ? String(e.retryAfterMs)
        : `${e.retryAfterMs.min}–${e.retryAfterMs.max}`
  return [
    fault.group,
    fault.label,
    fault.call === 'chat' ? '`chat`' : '`stream`',
    `\`${e.error}\`${cause}`,
    e.retryable ? 'yes' : 'no',
    (Array.isArray(e.status) ? e.status : [e.status]).map((status) => status ?? '–').join(' or '),
    retryAfter,
    `${e.defaultAttempts} / 1`,
  ]
}

/** The markdown table: what each fault gives, then one column of marks per adapter. */
export function renderTable(columns: readonly MatrixColumn[]): string {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  const headings = [...fixedHeadings, ...columns.map((column) => column.name)]
  return [
    row(headings),
    row(headings.map(() => '---')),
    ...faults.map((fault) =>
      row([...expectedCells(fault), ...columns.map((column) => column.marks[fault.id] ?? '?')]),
    ),
    row([...consoleCells, ...columns.map((column) => column.marks[consoleCheck] ?? '?')]),
  ].join('\n')
}

/** The table between the markers of a markdown document, or undefined when it has no markers. */
export function tableIn(doc: string): string | undefined {
  const start = doc.indexOf(tableMarkers.start)
  const end = doc.indexOf(tableMarkers.end)
  if (start < 0 || end < start) return undefined
  return doc.slice(start + tableMarkers.start.length, end).trim()
}

/** The adapter columns of a rendered table, read back by fault label. */
export function parseColumns(table: string): MatrixColumn[] {
  const rows = table
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    )
  const [headings = [], , ...body] = rows
  const byLabel = new Map<string, string>(faults.map((fault) => [fault.label, fault.id]))
  byLabel.set(consoleLabel, consoleCheck)
  return headings.slice(fixedHeadings.length).map((name, index) => {
    const marks: Record<string, string> = {}
    for (const cells of body) {
      const id = byLabel.get(cells[1] ?? '')
      const mark = cells[fixedHeadings.length + index]
      if (id !== undefined && mark !== undefined) marks[id] = mark
    }
    return { name, marks }
  })
}

/**
 * The document with its table holding `column` (in place of the column of the same name, else
 * added last) and every other adapter's column as it was. Throws when the markers are missing.
 */
export function withColumn(doc: string, column: MatrixColumn): string {
  const table = tableIn(doc)
  if (table === undefined) {
    throw new Error(`the document has no ${tableMarkers.start} ... ${tableMarkers.end} markers`)
  }
  const columns = parseColumns(table)
  const at = columns.findIndex((existing) => existing.name === column.name)
  if (at >= 0) columns[at] = column
  else columns.push(column)
  const start = doc.indexOf(tableMarkers.start) + tableMarkers.start.length
  const end = doc.indexOf(tableMarkers.end)
  return `${doc.slice(0, start)}\n${renderTable(columns)}\n${doc.slice(end)}`
}
