// Mutation testing of the usage and cost mapping: `pnpm mutation ai-xai`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/xai-response.ts'],
})
