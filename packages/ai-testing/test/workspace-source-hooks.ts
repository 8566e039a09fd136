// Loaded with `node --import` by the child processes of the workspace's tests and by the stores'
// benchmarks, which run TypeScript sources directly, as the tests do. Not part of the published
// package. `@aimux/<package>` resolves to packages/<package>/src/index.ts and
// `@aimux/<package>/<entry>` to packages/<package>/src/<entry>.ts, so a child process never mixes
// sources with a stale build; a relative import written `.js` resolves to the `.ts` source beside it.
import { registerHooks } from 'node:module'

const packages = new URL('../../', import.meta.url)
const workspaceSpecifier = /^@aimux\/([a-z0-9-]+)(?:\/([a-z0-9-]+))?$/

registerHooks({
  resolve(specifier, context, nextResolve) {
    const workspace = workspaceSpecifier.exec(specifier)
    if (workspace) {
      const [, name, entry = 'index'] = workspace
      return nextResolve(new URL(`${name}/src/${entry}.ts`, packages).href, context)
    }
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context)
    }
  },
})
