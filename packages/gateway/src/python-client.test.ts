import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { startGatewayFixture } from './test-support/gateway-fixture.js'

const run = promisify(execFile)

// One virtualenv with OpenAI's Python client (a pinned version, so every run tests the same
// client), made on the first run and kept in node_modules/.cache.
const openaiPython = 'openai==3.22.1'
const venv = fileURLToPath(new URL('../node_modules/.cache/aimux-gateway-python', import.meta.url))
const python = join(venv, 'bin', 'python')
const ready = join(venv, `.${openaiPython}-installed`)
const script = fileURLToPath(new URL('./test-support/python-client.py', import.meta.url))

async function pythonWithOpenAI(): Promise<string> {
  if (existsSync(ready)) return python
  await run('python3', ['-m', 'venv', venv])
  await run(python, ['-m', 'pip', 'install', '--quiet', openaiPython], { timeout: 1_300_000 })
  await writeFile(ready, '')
  return python
}

describe("OpenAI's Python client", () => {
  it('chats, streams with usage, lists models and reads errors through the gateway', {
    timeout: 1_500_000,
  }, async () => {
    const interpreter = await pythonWithOpenAI()
    const fx = await startGatewayFixture()
    try {
      const { secret } = await fx.issueKey({ name: 'python' })
      fx.upstream.enqueue(
        { text: 'Hello from aimux.', usage: { inputTokens: 9, outputTokens: 4 } },
        { chunks: ['Str', 'eamed', '.'], usage: { inputTokens: 5, outputTokens: 3 } },
      )
      const { stdout } = await run(interpreter, [script, fx.baseURL, secret], { timeout: 60_000 })
      expect(JSON.parse(stdout)).toEqual({
        chat: { content: 'Hello from aimux.', finish_reason: 'stop', total_tokens: 13 },
        stream: { text: 'Streamed.', total_tokens: 8 },
        unauthorized: { status: 401, code: 'invalid_api_key' },
        bad_request: { status: 400, param: 'n' },
        models: [],
      })
    } finally {
      await fx.close()
    }
  })
})
