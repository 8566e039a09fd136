import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from '@aimux/ai-core'
import { resolve } from 'import-meta-resolve'

/** A package's factory: `openai(options)`, `sqliteStore(options)`, a third-party plugin's. */
export type Factory = (options?: unknown) => unknown

/**
 * Loads the factory `exportName` of package `name`, resolved from the config file's folder first
 * (where the application installed it), then from this package's own. `where` names the config
 * entry in the ConfigError when the package is missing or has no such factory.
 */
export async function loadFactory(
  name: string,
  exportName: string,
  dir: string,
  where: string,
): Promise<Factory> {
  const entry = resolvePackage(name, dir, where)
  let module: Record<string, unknown>
  try {
    module = await import(entry)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new ConfigError(`${where}: ${name} failed to load: ${reason}`, { cause })
  }
  const factory = module[exportName]
  if (typeof factory !== 'function') {
    const found = Object.keys(module)
      .filter((key) => typeof module[key] === 'function')
      .join(', ')
    throw new ConfigError(
      `${where}: ${name} exports no function '${exportName}' (it exports ${found || 'none'}); name the factory in "export".`,
    )
  }
  return factory as Factory
}

/**
 * Node's own ESM resolution (the `import` conditions, no NODE_PATH), as `import` from a file in
 * that folder would resolve it.
 */
function resolvePackage(name: string, dir: string, where: string): string {
  for (const parent of [pathToFileURL(join(dir, 'aimux.config.json')).href, import.meta.url]) {
    try {
      return resolve(name, parent)
    } catch (cause) {
      // Not installed there; a package found whose entry file is missing (not built) is reported as such.
      if ((cause as Error).message?.startsWith(`Cannot find package '${name}'`)) continue
      const reason = cause instanceof Error ? cause.message : String(cause)
      throw new ConfigError(`${where}: ${name} cannot be resolved: ${reason}`, { cause })
    }
  }
  throw new ConfigError(`${where}: ${name} is not installed (npm install ${name})`)
}
