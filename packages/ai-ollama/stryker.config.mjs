// Mutation testing of the usage, finish-reason and stream mapping (the stream method's line range).
// Run it with `pnpm mutation ai-ollama`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/ollama-response.ts', 'src/ollama.ts:103-135'],
})
