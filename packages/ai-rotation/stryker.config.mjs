// Mutation testing of secret scrubbing and connection cooldowns: `pnpm mutation ai-rotation`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/scrub-secrets.ts', 'src/connection-state.ts'],
})
