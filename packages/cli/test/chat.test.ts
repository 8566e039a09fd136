import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { baseEnv, bin, createProject } from './cli.js'
import { miniCost, OPENAI_KEY, type Setup, setUp } from './fixtures.js'

// `aimux chat "question"`: only the answer, for scripts.

let setup: Setup
beforeEach(async () => {
  setup = await setUp({ aliases: { smart: 'openai:gpt-4o' } })
})
afterEach(async () => {
  await setup.close()
})

interface ChatBody {
  model: string
  stream?: boolean
  messages: { role: string; content: unknown }[]
}
const lastBody = () => setup.server.requests.at(-1)?.body as ChatBody

describe('aimux chat "question"', () => {
  it('prints only the answer, streamed from the default model', async () => {
    setup.server.enqueue({
      chunks: ['Two', ' plus two', ' is four.'],
      usage: { inputTokens: 14, outputTokens: 6 },
    })
    const result = await setup.project.run(['chat', 'What', 'is', '2+2?'])
    expect(result).toEqual({ code: 0, stdout: 'Two plus two is four.\n', stderr: '' })
    expect(lastBody()).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'What is 2+2?' }],
    })
    expect(setup.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`)
  })

  it('reads the question from standard input when it is piped in', async () => {
    setup.server.enqueue({ text: 'Paris' })
    const result = await setup.project.run(['chat'], { input: 'Capital of France?\n' })
    expect(result).toEqual({ code: 0, stdout: 'Paris\n', stderr: '' })
    expect(lastBody().messages).toEqual([{ role: 'user', content: 'Capital of France?' }])
  })

  it('puts a piped file before the question', async () => {
    const file = join(setup.project.dir, 'diff.txt')
    await writeFile(file, '- a\n+ b\n')
    setup.server.enqueue({ text: 'Looks fine.' })
    const result = await setup.project.run(['chat', 'Review this diff'], { stdinFile: file })
    expect(result.stdout).toBe('Looks fine.\n')
    expect(lastBody().messages).toEqual([{ role: 'user', content: '- a\n+ b\n\nReview this diff' }])
  })

  it('takes a model, a system prompt and a user', async () => {
    setup.server.enqueue({ text: 'Ahoy' })
    const result = await setup.project.run([
      'chat',
      '-m',
      'openai:gpt-4o',
      '-s',
      'Talk like a pirate.',
      '--user',
      'u7',
      'Hi',
    ])
    expect(result.stdout).toBe('Ahoy\n')
    expect(lastBody()).toMatchObject({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Talk like a pirate.' },
        { role: 'user', content: 'Hi' },
      ],
    })
    const usage = await setup.project.run(['usage', '--by', 'user', '--json'])
    expect(JSON.parse(usage.stdout).rows.map((r: { key: string }) => r.key)).toEqual(['u7'])
  })

  it('takes an alias from the config, and refuses a group it does not have', async () => {
    setup.server.enqueue({ text: 'Sure' })
    expect((await setup.project.run(['chat', '-m', 'smart', 'Hi'])).stdout).toBe('Sure\n')
    expect(lastBody().model).toBe('gpt-4o')
    const group = await setup.project.run(['chat', '-m', '@cheap', 'Hi'])
    expect(group).toEqual({ code: 2, stdout: '', stderr: "error: there is no group '@cheap'\n" })
  })

  it('--json gives the answer with its model, usage and exact cost', async () => {
    setup.server.enqueue({ text: 'Hello there', usage: { inputTokens: 1000, outputTokens: 500 } })
    const result = await setup.project.run(['chat', '--json', 'Hello'])
    expect(result.code).toBe(0)
    const answer = JSON.parse(result.stdout)
    expect(answer).toMatchObject({
      text: 'Hello there',
      provider: 'openai',
      model: 'gpt-4o-mini',
      finishReason: 'stop',
      usage: { inputTokens: 1000, outputTokens: 500, totalTokens: 1500 },
      cost: { nanoUsd: miniCost(1000, 500), source: 'catalog' },
    })
    expect(lastBody().stream).toBeFalsy()
  })

  it("a provider's refusal is one line, exit code 1, without the key", async () => {
    const server = await createFakeServer(openaiChatProtocol(), { echoKey: true })
    const project = await createProject(
      { providers: { openai: { baseURL: `${server.url}/v1` } }, defaultModel: 'openai:gpt-4o-mini' },
      { OPENAI_API_KEY: OPENAI_KEY },
    )
    try {
      server.enqueue({ error: { status: 401, message: 'Incorrect API key provided' } })
      const result = await project.run(['chat', 'Hi'])
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(/^error: AuthenticationError: .*Incorrect API key provided/)
      expect(result.stderr).not.toContain(OPENAI_KEY)
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`)
    } finally {
      await server.close()
      await project.remove()
    }
  })

  it('Ctrl-C stops the answer, keeps what was printed, and exits with 130', async () => {
    setup.server.enqueue({ chunks: ['One ', 'two ', 'three ', 'four ', 'five ', 'six'], chunkDelayMs: 1000 })
    const child = spawn(process.execPath, [bin, 'chat', 'Count'], {
      cwd: setup.project.dir,
      env: { ...baseEnv(), OPENAI_API_KEY: OPENAI_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    const started = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        if (stdout.includes('One')) resolve()
      }),
    )
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await started
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(stdout).toMatch(/^One (two )?\n$/)
  })

  it('empty standard input is a usage mistake', async () => {
    const result = await setup.project.run(['chat'], { input: '  \n' })
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'error: no question: standard input was empty\n' })
  })
})
