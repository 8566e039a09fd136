import { ConfigError } from '@aimux/ai-core'
import type {} from '@aimux/schedule'
import { describe, expect, it } from 'vitest'
import { json, tempDir } from '../test/temp-dir.js'
import { createAIFromConfig } from './create-ai-from-config.js'
import { loadConfig } from './load-config.js'

const load = async (config: unknown) =>
  loadConfig({ cwd: await tempDir({ 'aimux.config.json': json(config) }) })

describe('the schedule section', () => {
  it('adds the schedule plugin with the options it gives, on the store the config names', async () => {
    const loaded = await load({
      store: { type: 'sqlite', path: 'aimux.db' },
      schedule: {
        modelSync: { everyMs: 900_000 },
        retention: {
          conversations: { olderThanDays: 30, action: 'delete', tenants: { acme: { olderThanDays: 365 } } },
          usage: { keepRecordsDays: 90 },
        },
      },
    })
    const ai = await createAIFromConfig(loaded, { env: {} })
    try {
      expect(ai.schedule.status()).toMatchObject({
        'models.sync': { everyMs: 900_000 },
        retention: { everyMs: 86_400_000 },
      })
      await ai.store.conversations.createConversation({ id: 'recent' })
      await expect(ai.schedule.runNow('retention')).resolves.toEqual({
        conversations: { deleted: 0, archived: 0 },
        usageRecords: 0,
      })
      expect(await ai.store.conversations.getConversation('recent')).toBeDefined()
    } finally {
      await ai.close()
    }
  })

  it('adds nothing without the section', async () => {
    const ai = await createAIFromConfig(await load({}), { env: {} })
    try {
      expect(ai).not.toHaveProperty('schedule')
    } finally {
      await ai.close()
    }
  })

  it('names the wrong field of the section', async () => {
    const error = await load({ schedule: { retention: { usage: {} }, modelSync: { everyMs: 5 } } }).catch(
      (e) => e,
    )
    expect(ConfigError.is(error)).toBe(true)
    expect(error.message).toMatch(/schedule\.retention\.usage\.keepRecordsDays/)
    expect(error.message).toMatch(/schedule\.modelSync\.everyMs: must be at least 1000/)
  })
})
