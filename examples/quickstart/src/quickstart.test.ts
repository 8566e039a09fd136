import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('the quickstart demo', () => {
  it('runs a conversation, streams an answer and prints every cost and the usage summary', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.OPENAI_API_KEY
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./index.ts', import.meta.url))], {
      env,
      timeout: 60_000,
    })
    expect(stdout).toContain('talking to a local fake OpenAI server at http://127.0.0.1:')
    expect(stdout).toContain('assistant: Start in Alfama at dawn')
    expect(stdout).toContain('assistant (streaming): Yellow trams climb the seven hills,\nBells ring out')
    // 41 in / 29 out tokens at $0.15 / $0.60 per million: 6,150 + 17,400 nano-USD.
    expect(stdout).toContain('$0.00002355 · 41 in / 29 out tokens')
    // The second question: gpt-4o-mini answers 503 twice, so the fallback model answers it.
    expect(stdout).toContain('! switched from openai:gpt-4o-mini to openai:gpt-4.1-mini (provider)')
    expect(stdout).toContain('$0.0000816 · 96 in / 27 out tokens') // 96 x 400 + 27 x 1,600 nano-USD
    expect(stdout).toContain("! budget: 50% of demo-user's day budget spent ($0.00010515)")
    expect(stdout).toContain("! budget: 90% of demo-user's day budget spent ($0.00014505)")
    expect(stdout).toMatch(/usage summary, read back from .+aimux-demo-.+aimux\.db/)
    expect(stdout).toMatch(/calls {10}3 \(0 failed\)/)
    expect(stdout).toContain('tokens         279 in, 87 out')
    expect(stdout).toContain('total cost     $0.00014505')
    expect(stdout).toContain('conversation   7 messages stored, $0.00014505')
  }, 90_000)
})
