import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createFakeServer, openaiChatProtocol, startLineWorker } from '@aimux/ai-testing'
import OpenAI from 'openai'
import { describe, expect, it, vi } from 'vitest'
import { configFolder } from './config-folder.js'

// `aimux-gateway` as a user runs it: a process of its own, started on the workspace's sources.

const run = promisify(execFile)
const hooks = fileURLToPath(new URL('./source-hooks.ts', import.meta.url))
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url))
const ADMIN_TOKEN = 'admin-token-bin-test-0123456789'

/** Runs the bin to its end; resolves to its exit code and output whatever the code. */
async function gatewayCommand(args: string[], cwd = tmpdir()) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', hooks, bin, ...args], {
      cwd,
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string }
    return { code, stdout, stderr }
  }
}

describe('aimux-gateway', () => {
  it('prints its usage and its version', async () => {
    const help = await gatewayCommand(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: aimux-gateway \[--config <file>\]/)
    expect(help.stdout).toContain('--port <port>')
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(await gatewayCommand(['-v'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  }, 60_000)

  it('exits 2 with one line on a usage mistake', async () => {
    for (const [args, message] of [
      [['--nope'], "Unknown option '--nope'"],
      [['serve'], "Unexpected argument 'serve'. This command does not take positional arguments"],
      [['--port', 'http'], "--port: expected a port number, got 'http'"],
      [['--port', '70000'], "--port: expected a port number, got '70000'"],
    ] as const) {
      const result = await gatewayCommand([...args])
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(`aimux-gateway: ${message}. See aimux-gateway --help.\n`)
      expect(result.stdout).toBe('')
    }
  }, 60_000)

  it('exits 1 with one line naming the file and field on a config mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aimux-gateway-bin-'))
    writeFileSync(join(dir, 'aimux.config.json'), JSON.stringify({ gateway: { port: -1 } }))
    const wrong = await gatewayCommand([], dir)
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^aimux-gateway: aimux\.config\.json: gateway\.port: .+\n$/)
    const missing = await gatewayCommand(['--config', 'nowhere.json'], dir)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^aimux-gateway: nowhere\.json: no such file\.\n$/)
  }, 60_000)

  it('prints no upstream key and no virtual-key secret, whatever fails', async () => {
    const upstreamKey = 'sk-upstream-logged-0123456789abcdef'
    // The fake provider echoes the key it was sent in its error messages and headers.
    const upstream = await createFakeServer(openaiChatProtocol(), { echoKey: true })
    const dir = configFolder(
      {
        providers: { openai: { apiKeyEnv: 'UPSTREAM_KEY', baseURL: `${upstream.url}/v1` } },
        defaultModel: 'openai:gpt-4o-mini',
        retry: false,
      },
      ['@aimux/ai-openai'],
    )
    const child = spawn(
      process.execPath,
      ['--import', hooks, bin, '--config', join(dir, 'aimux.config.json'), '--port', '0'],
      {
        env: { ...process.env, UPSTREAM_KEY: upstreamKey, AIMUX_ADMIN_TOKEN: ADMIN_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const baseURL = await vi.waitFor(
        () => {
          const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
          if (!url) throw new Error('not listening yet')
          return url
        },
        { timeout: 30_000, interval: 50 },
      )
      const issued = await fetch(`${baseURL}/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: '{}',
      })
      const { secret } = (await issued.json()) as { secret: string }
      upstream.enqueue(
        { error: { status: 401 } },
        { error: { status: 500, message: 'Internal error' } },
        { chunks: ['a', 'b', 'c'], breakAfterChunks: 1 },
      )
      const client = new OpenAI({ apiKey: secret, baseURL: `${baseURL}/v1`, maxRetries: 0 })
      const messages = [{ role: 'user' as const, content: 'Hi' }]
      const statuses: unknown[] = []
      for (const stream of [false, false, true]) {
        statuses.push(
          await (async () => {
            const answer = await client.chat.completions.create({
              model: 'openai:gpt-4o-mini',
              messages,
              stream,
            })
            if (stream) for await (const _ of answer as AsyncIterable<unknown>);
            return 200
          })().catch((error: { status?: number; code?: string }) => error.status ?? error.code),
        )
      }
      expect(statuses).toEqual([502, 500, 'upstream_stream_interrupted'])
      await client.chat.completions
        .create({ model: 'openai:gpt-4o-mini', messages, n: 3, user: secret } as never)
        .catch(() => undefined)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(output).toMatch(/^aimux-gateway listening on /)
      expect(output).not.toContain(upstreamKey)
      expect(output).not.toContain(secret)
    } finally {
      child.kill('SIGKILL')
      await upstream.close()
    }
  }, 60_000)

  it('serves the config it is given until SIGTERM, then closes and exits 0', async () => {
    const upstream = await createFakeServer(openaiChatProtocol())
    const dir = configFolder(
      {
        providers: { openai: { apiKeyEnv: 'UPSTREAM_KEY', baseURL: `${upstream.url}/v1` } },
        defaultModel: 'openai:gpt-4o-mini',
        retry: false,
        gateway: { port: 8787 },
      },
      ['@aimux/ai-openai'],
    )
    const configPath = join(dir, 'gateway.config.json')
    renameSync(join(dir, 'aimux.config.json'), configPath)
    const gateway = startLineWorker(
      new URL('../src/bin.ts', import.meta.url),
      ['--config', configPath, '-p', '0'],
      {
        execArgv: ['--import', hooks],
        env: { UPSTREAM_KEY: 'sk-upstream-bin-0123456789', AIMUX_ADMIN_TOKEN: ADMIN_TOKEN },
      },
    )
    try {
      const line = await gateway.nextLine()
      const url = /^aimux-gateway listening on (http:\/\/127\.0\.0\.1:\d+) \(config: (.+)\)$/.exec(line)
      expect(url?.[2]).toBe(configPath)
      const baseURL = url![1]!
      expect(baseURL).not.toBe('http://127.0.0.1:8787')

      upstream.enqueue({ text: 'Hi from the bin', usage: { inputTokens: 5, outputTokens: 3 } })
      const client = new OpenAI({ apiKey: ADMIN_TOKEN, baseURL: `${baseURL}/v1`, maxRetries: 0 })
      const completion = await client.chat.completions.create({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      })
      expect(completion.choices[0]?.message.content).toBe('Hi from the bin')
      const metrics = await (await fetch(`${baseURL}/metrics`)).text()
      expect(metrics).toContain('aimux_tokens_total{provider="openai",model="gpt-4o-mini",kind="output"} 3')

      gateway.child.kill('SIGTERM')
      expect(await gateway.exited).toEqual({ code: 0, signal: null })
      await expect(fetch(`${baseURL}/healthz`)).rejects.toThrow()
    } finally {
      gateway.child.kill('SIGKILL')
      await upstream.close()
    }
  }, 60_000)
})
