/** A name as a PostgreSQL identifier, double-quoted with its double quotes doubled: safe in any SQL. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
