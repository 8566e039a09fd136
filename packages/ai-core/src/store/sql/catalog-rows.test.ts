import { describe, expect, it } from 'vitest'
import { toModel, toModelRow, toPrice, toPriceRow } from './catalog-rows.js'
import { postgresCodec } from './postgres-codec.js'
import { sqliteCodec } from './sqlite-codec.js'

describe('catalog rows', () => {
  it('keeps a model under its key with the rest of it as JSON', () => {
    const model = { provider: 'p', id: 'm', contextWindow: 128_000, capabilities: { tools: true } }
    const row = toModelRow(model, sqliteCodec)
    expect(row).toEqual({
      provider: 'p',
      id: 'm',
      info: '{"contextWindow":128000,"capabilities":{"tools":true}}',
    })
    expect(toModel(row, sqliteCodec)).toEqual(model)
    expect(toModel({ provider: 'p', id: 'm', info: { capabilities: {} } }, postgresCodec)).toEqual({
      provider: 'p',
      id: 'm',
      capabilities: {},
    })
  })

  it('keeps a dated price and reads it back', () => {
    const entry = {
      provider: 'p',
      model: 'm',
      effectiveFrom: new Date('2026-01-01T00:00:00.000Z'),
      price: { input: 0.15, output: 0.6 },
    }
    const row = toPriceRow(entry, sqliteCodec)
    expect(row.effective_from).toBe(entry.effectiveFrom.getTime())
    expect(toPrice(row, sqliteCodec)).toEqual(entry)
    expect(toPrice(toPriceRow(entry, postgresCodec), { ...postgresCodec, json: sqliteCodec.json })).toEqual(
      entry,
    )
  })
})
