// Loaded with `node --import` by the child processes of the tests and by the benchmark: they run
// this package's TypeScript sources directly, as the tests do. A relative import written `.js`
// resolves to the `.ts` source beside it, and @aimux/ai-core and @aimux/ai-testing to their sources.
import { registerHooks } from 'node:module'

const aiCore = new URL('../../../ai-core/src/index.ts', import.meta.url).href
const aiTesting = new URL('../../../ai-testing/src/index.ts', import.meta.url).href

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === '@aimux/ai-core') return nextResolve(aiCore, context)
    if (specifier === '@aimux/ai-testing') return nextResolve(aiTesting, context)
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})
