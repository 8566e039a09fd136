import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('the gateway example', () => {
  it('serves a virtual key through the gateway, counts it in /metrics and refuses it once revoked', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.OPENAI_API_KEY
    delete env.OPENAI_BASE_URL
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./index.ts', import.meta.url))], {
      env,
      timeout: 60_000,
    })
    expect(stdout).toMatch(/gateway on http:\/\/127\.0\.0\.1:\d+, talking to a local fake OpenAI server/)
    expect(stdout).toMatch(/issued vk_\w+ \(sk-aimux-\w{4}\.\.\.\)/)
    expect(stdout).toContain('reply: A gateway speaks OpenAI to every client.')
    // 24 input tokens at $0.15 and 9 output tokens at $0.60 per million.
    expect(stdout).toContain('usage: 24 in / 9 out · cost $0.000009 · served by openai:gpt-4o-mini')
    expect(stdout).toContain('streamed: Streams pass through too.')
    expect(stdout).toContain('aimux_requests_total{provider="openai",model="gpt-4o-mini",status="ok"} 2')
    // Both calls, summed exactly: $0.000009 + $0.0000057.
    expect(stdout).toContain('aimux_cost_usd_total{provider="openai",model="gpt-4o-mini"} 0.0000147')
    expect(stdout).toMatch(
      /aimux_budget_remaining_usd\{scope="key",scope_id="vk_\w+",period="month"\} 4\.9999853/,
    )
    expect(stdout).toContain('after revoking: 401')
    expect(stdout).toContain('closed')
    // The key's secret is shown to its owner once, never printed here.
    expect(stdout).not.toMatch(/sk-aimux-\w{20,}/)
  }, 90_000)
})
