// Mutation testing of the spend store (budget reservations and settling).
// Run it with `pnpm mutation store-postgres`.
import { mutationConfig } from '../../scripts/mutation.config.mjs'

export default mutationConfig({
  mutate: ['src/spend-store.ts'],
})
