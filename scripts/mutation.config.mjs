// Shared StrykerJS settings for `pnpm mutation` (scripts/mutation.sh). Each covered package has a
// stryker.config.mjs that passes the files to mutate to `mutationConfig`.
//
// Stryker copies a package into a sandbox, <package>/.stryker-tmp/sandbox-<id>/, and runs its tests
// there. The packages' vitest configs and tsconfig paths reach sibling workspace packages through
// `../<sibling>/src/...`, which from a sandbox is <package>/.stryker-tmp/<sibling>. So that those
// paths keep working, .stryker-tmp holds one symlink per sibling package, pointing back at it: the
// package under test is mutated in the sandbox, its dependencies are read unchanged (vitest in the
// package itself would find the siblings' tests through them: scripts/mutation.sh removes
// .stryker-tmp after each run, so run Stryker through it). Likewise the
// fault-matrix tests read the repository's docs/reliability.md as ../../../docs from src/, which
// from a sandbox is <package>/docs: for a package with such a test, <package>/docs is a symlink to
// the repository's docs while Stryker runs (gitignored; scripts/mutation.sh removes it after).
import { existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'

const tempDirName = '.stryker-tmp'

function linkSiblingPackages(packageDir) {
  const packagesDir = resolve(packageDir, '..')
  const tempDir = join(packageDir, tempDirName)
  mkdirSync(tempDir, { recursive: true })
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === basename(packageDir)) continue
    const link = join(tempDir, entry.name)
    if (existsSync(link) || isSymlink(link)) continue
    symlinkSync(join('..', '..', entry.name), link, 'dir')
  }
}

function linkRepositoryDocs(packageDir) {
  const link = join(packageDir, 'docs')
  if (existsSync(link) || isSymlink(link)) return
  const tests = readdirSync(join(packageDir, 'src'), { recursive: true })
  if (!tests.some((file) => String(file).endsWith('fault-matrix.test.ts'))) return
  symlinkSync(join('..', '..', 'docs'), link, 'dir')
}

function isSymlink(path) {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

/**
 * @param {{ mutate: string[] }} options the files (or `file:from-to` line ranges) to mutate,
 *   relative to the package
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function mutationConfig({ mutate }) {
  linkSiblingPackages(process.cwd())
  linkRepositoryDocs(process.cwd())
  return {
    packageManager: 'pnpm',
    mutate,
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.config.ts', related: true },
    // Mutants that do not compile are discarded, not counted as killed.
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
    // A rerun tests only the mutants whose code or covering tests changed since the last run.
    incremental: true,
    incrementalFile: 'stryker-incremental.json',
    tempDirName,
    // The docs link is for the sandbox to reach, not to be copied into it.
    ignorePatterns: ['/docs'],
    cleanTempDir: true,
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: 'reports/mutation/index.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 90, low: 80, break: null },
    timeoutMS: 10000,
  }
}
