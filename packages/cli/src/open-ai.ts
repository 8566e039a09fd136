import type { AI } from '@aimux/ai-core'
import { createAIFromConfig, type LoadedConfig, loadConfig } from '@aimux/config'

/** The options every command inherits from `aimux`. */
export interface GlobalOptions {
  config?: string
}

/**
 * Loads the config file (`--config`, else aimux.config.{json,mjs,ts} found upward from the
 * working folder), builds the instance it describes with keys from the environment, runs `use`
 * and closes the instance, whatever `use` did: the store is flushed and closed before the command
 * returns.
 */
export async function withAI<T>(
  globals: GlobalOptions,
  use: (ai: AI, loaded: LoadedConfig) => Promise<T>,
): Promise<T> {
  const loaded = await loadConfig({
    cwd: process.cwd(),
    ...(globals.config === undefined ? {} : { path: globals.config }),
  })
  const ai = await createAIFromConfig(loaded, { env: process.env })
  try {
    return await use(ai, loaded)
  } finally {
    await ai.close()
  }
}
