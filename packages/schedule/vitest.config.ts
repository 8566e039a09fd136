import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Tests run against the sources of the workspace packages they use, so they need no build.
export default defineConfig({
  resolve: {
    alias: {
      '@aimux/ai-core/provider-kit': src('../ai-core/src/provider-kit.ts'),
      '@aimux/ai-core/store-kit': src('../ai-core/src/store-kit.ts'),
      '@aimux/ai-core': src('../ai-core/src/index.ts'),
      '@aimux/ai-testing/conformance': src('../ai-testing/src/conformance.ts'),
      '@aimux/ai-testing': src('../ai-testing/src/index.ts'),
      '@aimux/store-sqlite': src('../store-sqlite/src/index.ts'),
      '@aimux/store-postgres': src('../store-postgres/src/index.ts'),
    },
  },
})
