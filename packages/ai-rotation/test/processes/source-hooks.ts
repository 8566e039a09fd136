// Loaded with `node --import` by the tests' child processes: they run the TypeScript sources of
// this package and of the workspace packages it uses, as the tests do. A relative import written
// `.js` resolves to the `.ts` source beside it.
import { registerHooks } from 'node:module'

const sources: Record<string, string> = {
  '@aimux/ai-core': '../../../ai-core/src/index.ts',
  '@aimux/ai-core/provider-kit': '../../../ai-core/src/provider-kit.ts',
  '@aimux/ai-core/store-kit': '../../../ai-core/src/store-kit.ts',
  '@aimux/ai-openai': '../../../ai-openai/src/index.ts',
  '@aimux/ai-testing': '../../../ai-testing/src/index.ts',
  '@aimux/store-postgres': '../../../store-postgres/src/index.ts',
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
