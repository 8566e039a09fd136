import { stripVTControlCharacters } from 'node:util'

export interface Column {
  header: string
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right'
}

const width = (text: string) => stripVTControlCharacters(text).length

/** Rows as aligned columns under their headers, two spaces apart; the last column is not padded. */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(width(column.header), ...rows.map((row) => width(row[i] ?? ''))),
  )
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? ''
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell))
        if (column.align === 'right') return pad + cell
        return i === columns.length - 1 ? cell : cell + pad
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n')
}
