import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { configJsonSchema } from './json-schema.js'

describe('aimux.config.schema.json', () => {
  it('is the JSON Schema of configSchema as it stands (run `pnpm schema` after changing it)', async () => {
    const file = await readFile(new URL('../aimux.config.schema.json', import.meta.url), 'utf8')
    expect(JSON.parse(file)).toEqual(configJsonSchema())
  })

  it('describes every top-level field for editors, and refuses unknown ones as the loader does', () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean
      properties: Record<string, { description?: string }>
    }
    expect(schema.additionalProperties).toBe(false)
    const undescribed = Object.entries(schema.properties).filter(([, field]) => !field.description)
    expect(undescribed.map(([name]) => name)).toEqual([])
  })
})
