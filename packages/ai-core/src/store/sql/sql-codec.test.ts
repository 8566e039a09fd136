import { describe, expect, it } from 'vitest'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'

describe('sqliteCodec', () => {
  it('reads int64 columns as numbers, from numbers and from bigints', () => {
    expect(sqliteCodec.int64.read(9_000_000_007)).toBe(9_000_000_007)
    expect(sqliteCodec.int64.read(9_000_000_007n)).toBe(9_000_000_007)
    expect(sqliteCodec.int64.write(42)).toBe(42)
  })

  it('stores booleans as 1 and 0', () => {
    expect(sqliteCodec.boolean.write(true)).toBe(1)
    expect(sqliteCodec.boolean.write(false)).toBe(0)
    expect(sqliteCodec.boolean.read(1)).toBe(true)
    expect(sqliteCodec.boolean.read(0)).toBe(false)
    expect(sqliteCodec.boolean.read(1n)).toBe(true)
  })

  it('stores dates as milliseconds since the epoch, and reads ISO text too', () => {
    const at = new Date('2026-11-22T12:34:56.789Z')
    expect(sqliteCodec.date.write(at)).toBe(at.getTime())
    expect(sqliteCodec.date.read(at.getTime())).toEqual(at)
    expect(sqliteCodec.date.read(BigInt(at.getTime()))).toEqual(at)
    expect(sqliteCodec.date.read('2026-11-22T12:34:56.789Z')).toEqual(at)
  })

  it('stores JSON as text and parses it back', () => {
    const value = { a: [1, 'two', null], nested: { b: true } }
    const stored = sqliteCodec.json.write(value)
    expect(stored).toBe(JSON.stringify(value))
    expect(sqliteCodec.json.read(stored)).toEqual(value)
  })
})

describe('postgresCodec', () => {
  it('reads int8 decimal strings as numbers, exactly up to 2^53', () => {
    expect(postgresCodec.int64.read('9000000007')).toBe(9_000_000_007)
    expect(postgresCodec.int64.read(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER)
    expect(postgresCodec.int64.read(7)).toBe(7)
  })

  it('passes booleans through', () => {
    expect(postgresCodec.boolean.write(true)).toBe(true)
    expect(postgresCodec.boolean.read(true)).toBe(true)
    expect(postgresCodec.boolean.read(false)).toBe(false)
  })

  it('writes dates as Date and reads a copy of the Date pg returns', () => {
    const at = new Date('2026-11-22T12:34:56.789Z')
    expect(postgresCodec.date.write(at)).toBe(at)
    const read = postgresCodec.date.read(at)
    expect(read).toEqual(at)
    expect(read).not.toBe(at)
  })

  it('writes JSON as text, arrays included, and takes the value pg parsed as it is', () => {
    expect(postgresCodec.json.write([1, 2])).toBe('[1,2]')
    const parsed = { a: 1 }
    expect(postgresCodec.json.read(parsed)).toBe(parsed)
  })
})
