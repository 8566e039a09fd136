import { cp, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'tsup'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The bin the command tests run: this package built and installed in a folder of its own. */
    cliBin: string
  }
}

/**
 * The command tests spawn the built bin, as users run it. `turbo run test` builds the packages
 * this one depends on, not this one, and this package's own build may be running beside the
 * tests: so the bin is built here, into a temporary install (its package.json, its node_modules,
 * its dist), which nothing else writes to.
 */
export default async function buildBin(project: TestProject): Promise<() => Promise<void>> {
  const packageDir = fileURLToPath(new URL('..', import.meta.url))
  const root = await mkdtemp(join(tmpdir(), 'aimux-cli-bin-'))
  await cp(join(packageDir, 'package.json'), join(root, 'package.json'))
  await symlink(join(packageDir, 'node_modules'), join(root, 'node_modules'), 'dir')
  await build({
    config: false,
    entry: { bin: join(packageDir, 'src', 'bin.ts') },
    format: ['esm'],
    target: 'node22',
    outDir: join(root, 'dist'),
    dts: false,
    silent: true,
  })
  project.provide('cliBin', join(root, 'dist', 'bin.js'))
  return () => rm(root, { recursive: true, force: true })
}
