// Mutation testing of the usage, finish-reason and stream mapping (the stream method's line range).
// Run it with `pnpm mutation ai-gemini`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/gemini-response.ts', 'src/gemini.ts:126-183'],
})
