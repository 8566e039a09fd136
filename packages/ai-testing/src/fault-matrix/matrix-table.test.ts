import { describe, expect, it } from 'vitest'
import { faults } from './faults.js'
import {
  consoleCheck,
  markOf,
  parseColumns,
  renderTable,
  tableIn,
  tableMarkers,
  withColumn,
} from './matrix-table.js'

const allPass = (name: string) => ({
  name,
  marks: Object.fromEntries([...faults.map((fault) => [fault.id, '✓']), [consoleCheck, '✓']]),
})
const doc = (table: string) =>
  `# Title\n\nBefore.\n\n${tableMarkers.start}\n${table}\n${tableMarkers.end}\n\nAfter.\n`

describe('the fault-matrix table', () => {
  it('marks a fault by the modes that failed', () => {
    expect([
      markOf([]),
      markOf(['default']),
      markOf(['retries off']),
      markOf(['default', 'retries off']),
    ]).toEqual(['✓', '✗ default', '✗ retries off', '✗'])
  })

  it('renders a row per fault and the console, with what each gives and a mark per adapter', () => {
    const table = renderTable([allPass('a'), allPass('b')])
    const lines = table.split('\n')
    expect(lines).toHaveLength(2 + faults.length + 1)
    expect(lines[0]).toMatch(/^\| Group \| Fault \| .* \| a \| b \|$/)
    expect(table).toContain(
      '| status codes | 401 | `chat` | `AuthenticationError` | no | 401 | – | 1 / 1 | ✓ | ✓ |',
    )
    expect(table).toContain(
      '| 429, Retry-After in seconds | `chat` | `RateLimitError` | yes | 429 | 1000 | 3 / 1 |',
    )
  })

  it('reads its columns back', () => {
    const failing = allPass('b')
    failing.marks['body-html'] = '✗ default'
    failing.marks[consoleCheck] = '✗'
    expect(parseColumns(renderTable([allPass('a'), failing]))).toEqual([allPass('a'), failing])
  })

  it('replaces one column and keeps the others and the text around the table', () => {
    const before = doc(renderTable([allPass('a'), allPass('b')]))
    const changed = allPass('a')
    changed.marks['status-401'] = '✗'
    const after = withColumn(before, changed)
    expect(tableIn(after)).toBe(renderTable([changed, allPass('b')]))
    expect(after.startsWith('# Title\n\nBefore.\n\n')).toBe(true)
    expect(after.endsWith(`${tableMarkers.end}\n\nAfter.\n`)).toBe(true)
  })

  it('adds a new column last, also to an empty table', () => {
    expect(tableIn(withColumn(doc(''), allPass('c')))).toBe(renderTable([allPass('c')]))
    expect(tableIn(withColumn(doc(renderTable([allPass('a')])), allPass('c')))).toBe(
      renderTable([allPass('a'), allPass('c')]),
    )
  })

  it('refuses a document without its markers', () => {
    expect(tableIn('# Nothing here')).toBeUndefined()
    expect(() => withColumn('# Nothing here', allPass('a'))).toThrow(/fault-matrix:start/)
  })
})
