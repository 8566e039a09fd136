import { z } from 'zod'
import { configSchema } from './config-schema.js'

/**
 * The JSON Schema of a config file, as input (defaults optional), for editors to complete and
 * check aimux.config.json. Written to aimux.config.schema.json by `pnpm schema`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07', unrepresentable: 'any' })
  return {
    ...schema,
    title: 'aimux config',
    description:
      'aimux.config.json: providers, store, plugins, models, budgets and the gateway. See docs/config.md.',
  }
}
