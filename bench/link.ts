// bench/ is not a workspace package, so it gets its own node_modules of links to the built
// workspace packages and to the openai SDK the adapter uses. The other contenders (`ai`,
// `@ai-sdk/openai`) are root devDependencies and resolve from the root node_modules.
import { mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const root = join(import.meta.dirname, '..')
const modules = join(import.meta.dirname, 'node_modules')
const links: Record<string, string> = {
  '@aimux/ai-core': join(root, 'packages/ai-core'),
  '@aimux/ai-openai': join(root, 'packages/ai-openai'),
  '@aimux/ai-testing': join(root, 'packages/ai-testing'),
  '@aimux/gateway': join(root, 'packages/gateway'),
  '@aimux/store-sqlite': join(root, 'packages/store-sqlite'),
  '@aimux/store-postgres': join(root, 'packages/store-postgres'),
  openai: realpathSync(join(root, 'packages/ai-openai/node_modules/openai')),
  pg: realpathSync(join(root, 'packages/store-postgres/node_modules/pg')),
  // For the bench's typecheck (tsc -p bench): pg's types, and the esbuild tsup brings.
  '@types/pg': realpathSync(join(root, 'packages/store-postgres/node_modules/@types/pg')),
  esbuild: dirname(
    createRequire(createRequire(join(root, 'package.json')).resolve('tsup')).resolve('esbuild/package.json'),
  ),
}
for (const [name, target] of Object.entries(links)) {
  const at = join(modules, name)
  mkdirSync(dirname(at), { recursive: true })
  rmSync(at, { force: true, recursive: true })
  symlinkSync(target, at, 'dir')
}
