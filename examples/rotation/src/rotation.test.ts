import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('the rotation demo', () => {
  it('keeps every call succeeding while one key cools down and another is disabled', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.OPENAI_API_KEY
    delete env.AIMUX_MASTER_KEY
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./index.ts', import.meta.url))], {
      env,
      timeout: 60_000,
    })
    expect(stdout).toMatch(
      /on local fake OpenAI servers, stored encrypted in .+aimux-rotation-demo-.+aimux\.db/,
    )
    expect(stdout).toContain('call 1: Primary here: all keys are healthy.\n  ! selected primary\n')
    expect(stdout).toContain(
      [
        'call 2: Backup here: primary is cooling down.',
        '  ! selected primary',
        '  ! primary rate-limited: cooling down for 30 s',
        '  ! selected secondary (failover)',
        '  ! secondary disabled: openai: 401 Incorrect API key provided.',
        '  ! selected backup (failover)',
        'call 3: Backup again.',
        '  ! selected backup',
      ].join('\n'),
    )
    expect(stdout).toMatch(/primary {4}1 ok, 1 failed, \d+ ms on average: cooling down/)
    expect(stdout).toContain('secondary  0 ok, 1 failed: disabled (openai: 401 Incorrect API key provided.)')
    expect(stdout).toMatch(/backup {5}2 ok, 0 failed, \d+ ms on average: active/)
    expect(stdout).toMatch(
      /usage records\n {2}\S+ {2}openai:gpt-4o-mini {2}via primary\n {2}\S+ {2}openai:gpt-4o-mini {2}via backup\n {2}\S+ {2}openai:gpt-4o-mini {2}via backup\n/,
    )
    expect(stdout).toContain('stored: primary (key v1), secondary (key v1), backup (key v1)')
    expect(stdout).toContain('audit log: add 3, decrypt 3, disable 1, use 5')
    expect(stdout).not.toContain('sk-demo')
  }, 90_000)
})
