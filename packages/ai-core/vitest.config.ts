import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'

// ai-core's tests use the mock provider from @aimux/ai-testing, which itself depends on
// ai-core: both resolve to their sources here, so the tests need no build and see one copy.
export default defineConfig({
  resolve: {
    alias: {
      '@aimux/ai-core/provider-kit': fileURLToPath(new URL('./src/provider-kit.ts', import.meta.url)),
      '@aimux/ai-core/store-kit': fileURLToPath(new URL('./src/store-kit.ts', import.meta.url)),
      '@aimux/ai-core': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      '@aimux/ai-testing': fileURLToPath(new URL('../ai-testing/src/index.ts', import.meta.url)),
    },
  },
  // Mutation testing's sandboxes (scripts/mutation.sh) are not this package's tests.
  test: { exclude: [...configDefaults.exclude, '**/.stryker-tmp/**'] },
})
