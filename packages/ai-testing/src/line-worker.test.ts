import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'
import { startLineWorker } from './line-worker.js'

it('talks to a child line by line, passes arguments and environment, and reports its exit', async () => {
  const script = join(mkdtempSync(join(tmpdir(), 'aimux-line-worker-')), 'echo.mjs')
  writeFileSync(
    script,
    `import { createInterface } from 'node:readline'
console.log(process.argv[2], process.env.GREETING)
for await (const line of createInterface({ input: process.stdin })) console.log(line.toUpperCase())`,
  )
  const worker = startLineWorker(pathToFileURL(script), ['ready'], { env: { GREETING: 'hello' } })
  expect(await worker.nextLine()).toBe('ready hello')
  worker.send('go')
  expect(await worker.nextLine()).toBe('GO')
  worker.end()
  expect(await worker.exited).toEqual({ code: 0, signal: null })
  await expect(worker.nextLine()).rejects.toThrow(/echo\.mjs exited before printing a line/)
})
