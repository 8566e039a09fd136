import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** Runs CommonJS code in a fresh Node process, resolving packages as a user's project would. */
async function commonjs(code: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', code], { cwd: packageDir })
  return stdout.trim()
}

// The packages ship ESM only; CommonJS users load them through require(esm), Node >= 22.12.
// Each test starts fresh Node processes: generous timeouts, for a loaded machine.
describe('require() from CommonJS', () => {
  it('loads @aimux/ai-core', async () => {
    const out = await commonjs(`
      const core = require('@aimux/ai-core')
      console.log(typeof core.createAI, typeof core.defineProvider, core.AimuxError.is(new core.RateLimitError('x')))
    `)
    expect(out).toBe('function function true')
  }, 60_000)

  it('loads @aimux/ai-testing without loading vitest; only the conformance entry needs it', async () => {
    const load = (entry: string) =>
      commonjs(`
        const resolved = []
        require('node:module').registerHooks({
          resolve(specifier, context, next) {
            resolved.push(specifier)
            return next(specifier, context)
          },
        })
        let exported = []
        try { exported = Object.keys(require('${entry}')) } catch {}
        console.log(exported.includes('mockProvider') || exported.includes('providerConformance'), resolved.includes('vitest'))
      `)
    expect(await load('@aimux/ai-testing')).toBe('true false')
    // The same probe sees vitest when the conformance entry point is loaded, so it can tell.
    expect((await load('@aimux/ai-testing/conformance')).endsWith(' true')).toBe(true)
  }, 60_000)
})
