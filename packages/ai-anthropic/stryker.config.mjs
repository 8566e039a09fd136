// Mutation testing of the usage, finish-reason and stream mapping (the stream method's line range).
// Run it with `pnpm mutation ai-anthropic`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/anthropic-response.ts', 'src/anthropic.ts:111-181'],
})
