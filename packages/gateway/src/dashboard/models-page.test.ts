import { createAI } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { modelsPage, modelsView } from './models-page.js'

const now = new Date('2026-12-01T10:00:00.000Z')

describe('the models page', () => {
  it('says when the stored catalog was synced, by whichever instance, and when each model was', async () => {
    const ai = await createAI({ plugins: [mockProvider({ models: [{ id: 'small' }] })] })
    try {
      // Synced by another instance on the same store: this process never synced it.
      await ai.store.catalog.upsertModels([
        { provider: 'mock', id: 'old', capabilities: {}, syncedAt: new Date('2026-11-30T08:00:00.000Z') },
        { provider: 'mock', id: 'hand-made', capabilities: {} },
      ])
      let page = String(await modelsPage('/dashboard', { ...(await modelsView(ai, now)), csrfToken: 't' }))
      expect(page).toContain('Catalog last synced 2026-11-30 08:00:00 UTC.')
      expect(page).toMatch(/<code>mock:hand-made<\/code>[\s\S]*?<span class="muted">never<\/span>/)

      const result = await ai.models.sync()
      const syncedAt = (await ai.models.get('mock:small'))?.syncedAt
      expect(syncedAt).toBeInstanceOf(Date)
      page = String(
        await modelsPage('/dashboard', {
          ...(await modelsView(ai, now)),
          csrfToken: 't',
          lastSync: { at: syncedAt!, models: result.models.length, failed: ['broken'] },
        }),
      )
      const shown = `${syncedAt!.toISOString().slice(0, 19).replace('T', ' ')} UTC`
      expect(page).toContain(`Catalog last synced ${shown}.`)
      expect(page).toContain(`This gateway's last sync (${shown}) failed for broken.`)
      expect(page).toMatch(new RegExp(`<code>mock:small</code>[\\s\\S]*?<td>${shown}</td>`))
    } finally {
      await ai.close()
    }
  })

  it('says so when the catalog has never been synced', async () => {
    const ai = await createAI({ plugins: [mockProvider()] })
    try {
      const page = String(await modelsPage('/dashboard', { ...(await modelsView(ai, now)), csrfToken: 't' }))
      expect(page).toContain('The catalog has never been synced.')
      expect(page).not.toContain('last sync')
    } finally {
      await ai.close()
    }
  })
})
