import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { startLineWorker } from '../src/line-worker.js'

const dir = mkdtempSync(join(tmpdir(), 'aimux-source-hooks-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('resolves workspace packages, their entries, and `.js` imports to TypeScript sources', async () => {
  writeFileSync(join(dir, 'beside.ts'), 'export const beside: string = "beside"\n')
  const script = join(dir, 'resolve.mjs')
  writeFileSync(
    script,
    `console.log(import.meta.resolve('@aimux/ai-core'))
console.log(import.meta.resolve('@aimux/ai-testing/conformance'))
console.log((await import('./beside.js')).beside)`,
  )
  const hooks = new URL('./workspace-source-hooks.ts', import.meta.url).href
  const worker = startLineWorker(pathToFileURL(script), [], { execArgv: ['--import', hooks] })
  expect(await worker.nextLine()).toBe(new URL('../../ai-core/src/index.ts', import.meta.url).href)
  expect(await worker.nextLine()).toBe(new URL('../src/conformance.ts', import.meta.url).href)
  expect(await worker.nextLine()).toBe('beside')
  expect(await worker.exited).toEqual({ code: 0, signal: null })
})
