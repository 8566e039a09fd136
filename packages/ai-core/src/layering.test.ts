import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// ai-core's folders, lowest first: a folder imports only from itself and the folders before it,
// so each can be read knowing only what sits below it. The three entry points at the top of
// src/ may import from any folder.
const layers = [
  'errors',
  'cost',
  'spec',
  'store',
  'events',
  'middleware',
  'call',
  'conversation',
  'instance',
] as const
const entryPoints = ['index.ts', 'provider-kit.ts', 'store-kit.ts']

const root = dirname(fileURLToPath(import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** The file's path from src/, with forward slashes. */
const fromRoot = (path: string) => relative(root, path).split(sep).join('/')

/** The relative imports of a file, as paths from src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  return [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) =>
    posix.normalize(posix.join(posix.dirname(file), m[1]!)),
  )
}

const files = sources(root).map(fromRoot)

describe('ai-core layering', () => {
  it('keeps every source file in a known folder, or as one of the entry points', () => {
    const misplaced = files.filter((file) =>
      file.includes('/')
        ? !(layers as readonly string[]).includes(file.split('/')[0]!)
        : !entryPoints.includes(file),
    )
    expect(misplaced).toEqual([])
  })

  it('never imports from a folder above', () => {
    const upward: string[] = []
    for (const file of files.filter((f) => f.includes('/'))) {
      const level = layers.indexOf(file.split('/')[0] as (typeof layers)[number])
      for (const target of importsOf(file)) {
        const targetLevel = layers.indexOf(target.split('/')[0] as (typeof layers)[number])
        if (targetLevel === -1 || targetLevel > level) upward.push(`${file} -> ${target}`)
      }
    }
    expect(upward).toEqual([])
  })

  it('keeps the storage ports free of the in-memory stores and the store kit', () => {
    const ports = files.filter((f) => /^store\/[^/]+\.ts$/.test(f))
    const reaching = ports.flatMap((file) =>
      importsOf(file)
        .filter((t) => t.startsWith('store/memory/') || t.startsWith('store/kit/'))
        .map((t) => `${file} -> ${t}`),
    )
    expect(ports.length).toBeGreaterThan(0)
    expect(reaching).toEqual([])
  })
})
