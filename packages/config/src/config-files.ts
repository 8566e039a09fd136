import { stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

/** The names a config file may have, looked for in this order in each folder. */
export const configFileNames: readonly string[] = Object.freeze([
  'aimux.config.json',
  'aimux.config.mjs',
  'aimux.config.ts',
])

/**
 * The nearest config file: the first of `configFileNames` in `from` (default the working
 * directory), else in its parent, and so on up to the root. Undefined when there is none.
 */
export async function findConfigFile(from: string = process.cwd()): Promise<string | undefined> {
  let dir = resolve(from)
  for (;;) {
    for (const name of configFileNames) {
      const path = join(dir, name)
      if (await isFile(path)) return path
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
