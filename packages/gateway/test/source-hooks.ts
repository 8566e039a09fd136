// Loaded with `node --import` by this package's child processes, which run the workspace's
// TypeScript sources as the tests do (like ai-testing's workspace-source-hooks.ts, which answers
// `import` only). `@aimux/<package>` is answered with packages/<package>/src/index.ts directly, a
// file `require.resolve` can load as well as `import`; a relative import written `.js` resolves to
// the `.ts` source beside it.
import { registerHooks } from 'node:module'

const packages = new URL('../../', import.meta.url)
const workspaceSpecifier = /^@aimux\/([a-z0-9-]+)(?:\/([a-z0-9-]+))?$/

registerHooks({
  resolve(specifier, context, nextResolve) {
    const workspace = workspaceSpecifier.exec(specifier)
    if (workspace) {
      const [, name, entry = 'index'] = workspace
      const url = new URL(`${name}/src/${entry}.ts`, packages).href
      return { url, format: 'module-typescript', shortCircuit: true }
    }
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})
