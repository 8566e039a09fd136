import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createProject, type Project } from './cli.js'

// Which config file the bin reads: the nearest aimux.config.{json,mjs,ts} upward from the working
// folder, or the one --config names. Each config sets its own price for openai:gpt-4o, so that
// `prices --json` shows which file was read, without a call to any provider.

const priced = (input: number) => ({
  providers: { openai: {} },
  prices: [{ provider: 'openai', model: 'gpt-4o', price: { input, output: 8 } }],
})

let project: Project
beforeEach(async () => {
  project = await createProject(priced(1), { OPENAI_API_KEY: 'sk-unused' })
})
afterEach(async () => {
  await project.remove()
})

/** The input price `aimux prices openai:gpt-4o` reports, run in `cwd` with `args` before it. */
async function inputPrice(cwd: string, args: string[] = []): Promise<number> {
  const result = await project.run([...args, 'prices', 'openai:gpt-4o', '--json'], { cwd })
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
  return JSON.parse(result.stdout).price.input
}

describe('the config file', () => {
  it('is found upward from the working folder', async () => {
    const deep = join(project.dir, 'src', 'deep')
    await mkdir(deep, { recursive: true })
    expect(await inputPrice(deep)).toBe(1)
  })

  it('may be aimux.config.mjs', async () => {
    await rm(join(project.dir, 'aimux.config.json'))
    await writeFile(join(project.dir, 'aimux.config.mjs'), `export default ${JSON.stringify(priced(2))}\n`)
    const sub = join(project.dir, 'sub')
    await mkdir(sub)
    expect(await inputPrice(sub)).toBe(2)
  })

  it('may be aimux.config.ts, types and all', async () => {
    await rm(join(project.dir, 'aimux.config.json'))
    await writeFile(
      join(project.dir, 'aimux.config.ts'),
      `const input: number = 3\nexport default { ...${JSON.stringify(priced(0))}, prices: [{ provider: 'openai', model: 'gpt-4o', price: { input, output: 8 } }] }\n`,
    )
    expect(await inputPrice(project.dir)).toBe(3)
  })

  it('--config names another one, before or after the command, relative to the working folder', async () => {
    await mkdir(join(project.dir, 'env'))
    await writeFile(join(project.dir, 'env', 'prod.json'), JSON.stringify(priced(4)))
    expect(await inputPrice(project.dir, ['--config', 'env/prod.json'])).toBe(4)
    const after = await project.run(['prices', 'openai:gpt-4o', '--json', '-c', 'env/prod.json'])
    expect(JSON.parse(after.stdout).price.input).toBe(4)
    // The nearest file is no longer needed once --config names one.
    await rename(join(project.dir, 'aimux.config.json'), join(project.dir, 'elsewhere.json'))
    expect(await inputPrice(join(project.dir, 'env'), ['-c', 'prod.json'])).toBe(4)
  })
})
