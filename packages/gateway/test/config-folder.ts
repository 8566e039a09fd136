import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const packages = new URL('../../', import.meta.url)

/**
 * A folder holding `aimux.config.json` with `config`, and, as @aimux/config finds the packages a
 * config names (installed beside it), a node_modules with each of `installed` standing for the
 * workspace's source of that package: the gateway processes then run sources only, never a build.
 */
export function configFolder(config: unknown, installed: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'aimux-gateway-test-'))
  writeFileSync(join(dir, 'aimux.config.json'), JSON.stringify(config, null, 2))
  for (const name of installed) {
    const folder = join(dir, 'node_modules', ...name.split('/'))
    mkdirSync(folder, { recursive: true })
    const source = new URL(`${name.replace('@aimux/', '')}/src/index.ts`, packages).href
    writeFileSync(
      join(folder, 'package.json'),
      JSON.stringify({ name, type: 'module', exports: './index.js' }),
    )
    writeFileSync(join(folder, 'index.js'), `export * from '${source}'\n`)
  }
  return dir
}
