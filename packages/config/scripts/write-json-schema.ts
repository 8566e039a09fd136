// Writes aimux.config.schema.json from the zod schema: `pnpm --filter @aimux/config schema` (which
// then formats it). json-schema.test.ts fails when the file is out of date.
import { writeFile } from 'node:fs/promises'
import { configJsonSchema } from '../src/json-schema.js'

await writeFile(new URL('../aimux.config.schema.json', import.meta.url), JSON.stringify(configJsonSchema()))
