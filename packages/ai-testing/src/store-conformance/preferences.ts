import { randomUUID } from 'node:crypto'
import type { Store } from '@aimux/ai-core'
import { beforeEach, describe, expect, it } from 'vitest'

/** Preferences per tenant and user. */
export function preferencesSuite(currentStore: () => Store): void {
  describe('preferences', () => {
    let store: Store

    beforeEach(() => {
      store = currentStore()
    })

    it('stores preferences per tenant and user', async () => {
      const userId = randomUUID()
      const tenantId = randomUUID()
      expect(await store.conversations.getPreferences({ userId })).toBeUndefined()

      await store.conversations.setPreferences(
        { userId },
        { model: 'openai:gpt-4o', metadata: { tone: 'brief' } },
      )
      await store.conversations.setPreferences(
        { tenantId, userId },
        { model: 'anthropic:claude-3-5-haiku-latest' },
      )

      expect(await store.conversations.getPreferences({ userId })).toEqual({
        model: 'openai:gpt-4o',
        metadata: { tone: 'brief' },
      })
      expect(await store.conversations.getPreferences({ tenantId: '', userId })).toEqual({
        model: 'openai:gpt-4o',
        metadata: { tone: 'brief' },
      })
      expect(await store.conversations.getPreferences({ tenantId, userId })).toEqual({
        model: 'anthropic:claude-3-5-haiku-latest',
      })

      await store.conversations.setPreferences({ tenantId, userId }, { model: 'openai:gpt-4o-mini' })
      expect(await store.conversations.getPreferences({ tenantId, userId })).toEqual({
        model: 'openai:gpt-4o-mini',
      })
    })
  })
}
