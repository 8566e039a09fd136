// The release, rehearsed: checks that what `pnpm release` would publish is what the tests tested.
// Run after the build (scripts/test.sh runs it after turbo). It never touches the checkout: it
// copies the workspace's files (tracked and new, as git lists them), the built dist folders and
// the packages' node_modules links into a temporary folder, runs `changeset version` there, packs
// every publishable package with `pnpm pack`, and opens each tarball. Each must hold package.json,
// README.md, LICENSE, dist/index.js, dist/index.d.ts and every file its package.json names
// (exports, main, types), no test file, no `workspace:` range, and carry the release metadata
// (repository, publishConfig with provenance, a prepack that builds). One line per package;
// exits 1 naming the package and the file when one is wrong (all on stdout, so the lines keep
// their order in the test command's log).
//
// Packing skips lifecycle scripts: prepack would rebuild every package a second time, and the
// dist being packed is the one the test command just built and tested from the same sources.
// Nothing here talks to the registry.
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const root = join(import.meta.dirname, '..')
const started = performance.now()
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)}s`

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_ignore_scripts: 'true', CI: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim()
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd}:\n${output || error.message}`)
  }
}

// The workspace's packages: every folder under packages/ and examples/ with a package.json
// (pnpm-workspace.yaml lists exactly these two globs).
function workspacePackages(base) {
  const found = []
  for (const group of ['packages', 'examples']) {
    const groupDir = join(base, group)
    if (!existsSync(groupDir)) continue
    for (const name of readdirSync(groupDir).sort()) {
      const file = join(groupDir, name, 'package.json')
      if (existsSync(file)) found.push({ dir: `${group}/${name}`, manifest: readJson(file) })
    }
  }
  return found
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

// Copies a package's node_modules links (pnpm links, relative, so a workspace dependency
// resolves to the copy's package) without their targets or any cache folder.
function copyLinks(from, to) {
  if (!existsSync(from)) return
  for (const entry of readdirSync(from)) {
    const source = join(from, entry)
    const stat = lstatSync(source)
    if (stat.isSymbolicLink()) {
      mkdirSync(to, { recursive: true })
      symlinkSync(readlinkSync(source), join(to, entry))
    } else if (stat.isDirectory() && entry.startsWith('@')) {
      copyLinks(source, join(to, entry))
    }
  }
}

function copyWorkspace(scratch) {
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)
  for (const file of listed.split('\0')) {
    if (!file) continue
    const source = join(root, file)
    // A tracked file deleted in the working tree is not part of what gets released.
    if (!existsSync(source) || !lstatSync(source).isFile()) continue
    mkdirSync(dirname(join(scratch, file)), { recursive: true })
    cpSync(source, join(scratch, file))
  }
  for (const { dir } of workspacePackages(root)) {
    const dist = join(root, dir, 'dist')
    if (existsSync(dist)) cpSync(dist, join(scratch, dir, 'dist'), { recursive: true })
    copyLinks(join(root, dir, 'node_modules'), join(scratch, dir, 'node_modules'))
  }
  // The root's tools (changesets) are used in place: nothing here writes into node_modules.
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'))
}

// Every file a manifest points at, as a path inside the tarball's package/ folder.
function namedFiles(manifest) {
  const files = new Set()
  const add = (value) => {
    if (typeof value === 'string') {
      if (!value.includes('*')) files.add(value.replace(/^\.\//, ''))
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) add(inner)
    }
  }
  add(manifest.exports)
  add(manifest.main)
  add(manifest.types)
  add(manifest.bin)
  return files
}

// A test folder anywhere, or a file named *.test.* or *.spec.* (with its .d.ts and .map).
const testFile = /(^|\/)(test|tests|__tests__)\/|(^|\/)[^/]*\.(test|spec)\.[^/]*$|\.test-results\.json$/

function checkTarball(pkg, tarball) {
  const problems = []
  const entries = run('tar', ['-tzf', tarball], root)
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^package\//, ''))
  const inside = new Set(entries)
  const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], root))
  const required = new Set(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
  for (const file of namedFiles(manifest)) required.add(file)
  for (const file of required) if (!inside.has(file)) problems.push(`missing ${file}`)
  for (const entry of entries) if (testFile.test(entry)) problems.push(`ships test file ${entry}`)
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still ${range}`)
    }
  }
  const repository = manifest.repository ?? {}
  if (repository.type !== 'git' || !repository.url || repository.directory !== pkg.dir) {
    problems.push(`repository must be { type: 'git', url, directory: '${pkg.dir}' }`)
  }
  if (!manifest.homepage) problems.push('no homepage')
  if (!manifest.bugs?.url) problems.push('no bugs.url')
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access is not public')
  if (manifest.publishConfig?.provenance !== true) problems.push('publishConfig.provenance is not true')
  // pnpm leaves lifecycle scripts out of the packed manifest: the prepack is read from the source.
  if (!/\bbuild\b/.test(pkg.manifest.scripts?.prepack ?? '')) problems.push('no prepack script that builds')
  return { manifest, count: entries.length, problems }
}

const scratch = mkdtempSync(join(tmpdir(), 'aimux-release-'))
let failed = false
try {
  copyWorkspace(scratch)
  // Versions as the version PR would set them; the changesets are consumed in the copy only.
  const pending = readdirSync(join(scratch, '.changeset')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md',
  )
  run('pnpm', ['exec', 'changeset', 'version'], scratch)
  const publishable = workspacePackages(scratch).filter((pkg) => pkg.manifest.private !== true)
  if (publishable.length === 0) throw new Error('no publishable package found under packages/')
  const tarballs = join(scratch, '.tarballs')
  mkdirSync(tarballs)
  for (const pkg of publishable) {
    const { name, version } = pkg.manifest
    let result
    try {
      const out = join(tarballs, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`)
      run('pnpm', ['pack', '--out', out], join(scratch, pkg.dir))
      result = checkTarball(pkg, out)
    } catch (error) {
      result = { problems: [error.message], count: 0 }
    }
    if (result.problems.length > 0) {
      failed = true
      for (const problem of result.problems) console.log(`release: FAIL ${name}@${version}: ${problem}`)
    } else {
      console.log(`release: ok   ${name}@${version} (${result.count} files)`)
    }
  }
  const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`
  console.log(
    `release dry run: ${count(publishable.length, 'package')} packed after \`changeset version\` ` +
      `(${count(pending.length, 'changeset')}), ${failed ? 'FAILED' : 'all ok'} in ${seconds()}`,
  )
} catch (error) {
  failed = true
  console.log(`release dry run: FAILED after ${seconds()}: ${error.message}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
