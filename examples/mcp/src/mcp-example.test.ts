import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('the MCP example', () => {
  it('lets the model read a file through the filesystem server and ends the server at close', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.OPENAI_API_KEY
    const { stdout, stderr } = await run(
      process.execPath,
      [fileURLToPath(new URL('./index.ts', import.meta.url))],
      {
        env,
        timeout: 60_000,
      },
    )
    expect(stdout).toContain('talking to a local fake OpenAI server at http://127.0.0.1:')
    expect(stdout).toMatch(/· files connected \(pid \d+\)/)
    expect(stdout).toMatch(/· tool files\/read_text_file: ok in \d+ ms/)
    expect(stdout).toContain(
      '· the model read from files_read_text_file: "oat milk\\ntwo lemons\\nsourdough bread\\n"',
    )
    expect(stdout).toContain('assistant: You need oat milk, two lemons and sourdough bread.')
    // 880 input tokens at $0.15 and 37 output tokens at $0.60 per million.
    expect(stdout).toContain('2 model calls · 880 in / 37 out tokens · $0.0001542')
    expect(stdout).toContain('closed: 1 server process started, 0 still running')
    // The server's own stderr is kept from the terminal.
    expect(stderr).not.toContain('Secure MCP Filesystem Server')
  }, 90_000)
})
