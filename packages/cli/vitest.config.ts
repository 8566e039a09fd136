import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url))

// Unit tests run against the sources of the workspace packages they use. The command tests spawn
// the built bin instead (test/global-setup.ts builds it), the way a user runs it.
export default defineConfig({
  resolve: {
    alias: {
      '@aimux/ai-core/provider-kit': src('../ai-core/src/provider-kit.ts'),
      '@aimux/ai-core/store-kit': src('../ai-core/src/store-kit.ts'),
      '@aimux/ai-core': src('../ai-core/src/index.ts'),
      '@aimux/ai-testing/conformance': src('../ai-testing/src/conformance.ts'),
      '@aimux/ai-testing': src('../ai-testing/src/index.ts'),
    },
  },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**', '**/.stryker-tmp/**'],
    globalSetup: ['test/global-setup.ts'],
  },
})
