// Mutation testing of the usage and cost mapping: `pnpm mutation ai-openrouter`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/openrouter-response.ts'],
})
