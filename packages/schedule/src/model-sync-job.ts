import { type AI, ProviderError } from '@aimux/ai-core'

/** What one model sync did: the models synced, and from which providers. */
export interface ModelSyncResult {
  models: number
  providers: string[]
}

/** `ai.models.sync()`, failing when a provider could not be synced, so the run counts as failed. */
export async function runModelSync(ai: AI): Promise<ModelSyncResult> {
  const synced = await ai.models.sync()
  if (synced.failed.length > 0) {
    const failures = synced.failed.map((f) => `${f.provider}: ${f.error.message}`).join('; ')
    throw new ProviderError(`models.sync failed for ${failures}`)
  }
  return {
    models: synced.models.length,
    providers: [...new Set(synced.models.map((m) => m.provider))].sort(),
  }
}
