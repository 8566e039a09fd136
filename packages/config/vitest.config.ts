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
      '@aimux/ai-openai': src('../ai-openai/src/index.ts'),
    },
  },
  plugins: [
    {
      // The config loads adapters and stores by the path their package resolves to, the built
      // dist/index.js: run their sources instead, as the aliases above do for imports by name.
      name: 'workspace-sources',
      enforce: 'pre',
      resolveId(id) {
        const built = /\/packages\/([a-z0-9-]+)\/dist\/index\.js$/.exec(id.replace(/^file:\/\//, ''))
        return built ? src(`../${built[1]}/src/index.ts`) : undefined
      },
    },
  ],
})
