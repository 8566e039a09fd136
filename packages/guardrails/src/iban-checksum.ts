/** True when `iban` (upper case, no spaces) passes the ISO 13616 mod-97 check. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false
  const moved = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const char of moved) {
    const code = char.charCodeAt(0)
    // Letters count as two digits, A = 10 ... Z = 35.
    const value = code >= 65 ? String(code - 55) : char
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97
  }
  return remainder === 1
}
