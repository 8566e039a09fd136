/** Orders strings by UTF-16 code units, as a binary SQL collation does (not by locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
