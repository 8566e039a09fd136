// Mutation testing of the usage, finish-reason and stream mapping (the stream methods' line ranges).
// Run it with `pnpm mutation ai-openai`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: [
    'src/chat/openai-chat-response.ts',
    'src/chat/tool-call-assembler.ts',
    'src/chat/openai-chat.ts:118-174',
    'src/responses/openai-responses-response.ts',
    'src/responses/openai-responses.ts:91-174',
  ],
})
