import type { AimuxConfigInput } from './config-schema.js'

/**
 * Types a config written in TypeScript or JavaScript, for an editor to complete and check:
 * `export default defineConfig({ providers: { openai: {} } })`. Returns it as it is.
 */
export function defineConfig(config: AimuxConfigInput): AimuxConfigInput {
  return config
}
