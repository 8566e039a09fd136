// Loaded with `node --import` by the child processes of the tests and by the benchmark: they run
// this package's TypeScript sources directly, as the tests do. A relative import written `.js`
// resolves to the `.ts` source beside it, and the workspace packages (their subpath entries
// included) to their sources, so a child process never mixes sources with a stale build.
import { registerHooks } from 'node:module'

const sources: Record<string, string> = {
  '@aimux/ai-core': '../../../ai-core/src/index.ts',
  '@aimux/ai-core/provider-kit': '../../../ai-core/src/provider-kit.ts',
  '@aimux/ai-core/store-kit': '../../../ai-core/src/store-kit.ts',
  '@aimux/ai-testing': '../../../ai-testing/src/index.ts',
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const source = sources[specifier]
    if (source) return nextResolve(new URL(source, import.meta.url).href, context)
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})
