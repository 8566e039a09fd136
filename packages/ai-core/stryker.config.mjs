// Mutation testing of the code where a silent bug costs money or leaks data.
// Run it with `pnpm mutation ai-core`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: [
    'src/cost/cost.ts',
    'src/cost/money.ts',
    'src/cost/usage.ts',
    'src/middleware/budget-guard.ts',
    'src/middleware/budget-leases.ts',
    'src/middleware/retry.ts',
    'src/middleware/fallback.ts',
    'src/middleware/circuit-breaker.ts',
    'src/store/memory/memory-circuit-state.ts',
    'src/store/memory/rate-window.ts',
    'src/middleware/router.ts',
    'src/middleware/response-cache.ts',
    'src/spec/stream-assembler.ts',
    'src/call/run-tools.ts',
    'src/call/tool-step.ts',
    'src/errors/redact-secrets.ts',
    'src/errors/scrub-cause.ts',
  ],
})
