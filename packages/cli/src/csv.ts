/**
 * CSV quoted as RFC 4180 says (a field with a comma, a quote or a line break is quoted, its
 * quotes doubled), with lines ending in LF for Unix tools.
 */
export function csv(rows: readonly (readonly (string | number)[])[]): string {
  const field = (value: string | number) => {
    const text = String(value)
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
  }
  return rows.map((row) => row.map(field).join(',')).join('\n')
}
