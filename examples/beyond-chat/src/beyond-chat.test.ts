import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('the beyond-chat example', () => {
  it('counts tokens, streams an object, embeds texts and runs a batch job, with the cost of each', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.OPENAI_API_KEY
    delete env.ANTHROPIC_API_KEY
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('./index.ts', import.meta.url))], {
      env,
      timeout: 60_000,
    })
    expect(stdout).toContain('talking to local fake OpenAI and Anthropic servers')
    // gpt-4o-mini's tokenizer: the system and user messages with the chat framing.
    expect(stdout).toContain('tokens: openai:gpt-4o-mini takes 32 input tokens (tokenizer, exact)')
    // The fake count_tokens: a token a word or other character, 3 a message (ai-testing).
    expect(stdout).toContain('tokens: anthropic:claude-sonnet-5 takes 24 input tokens (provider, exact)')
    // The partial objects grow in order; the last is the whole reply.
    const partials = stdout
      .split('\n')
      .filter((line) => line.startsWith('partial: '))
      .map((line) => JSON.parse(line.slice('partial: '.length)))
    expect(partials[0]).toEqual({ city: 'Lis' })
    expect(partials.map((p) => p.stops?.length ?? 0)).toEqual([0, 1, 2, 3])
    expect(stdout).toContain('object: Alfama → Belém → Miradouro da Graça')
    // 31 in / 44 out tokens at $0.15 / $0.60 per million: 4,650 + 26,400 nano-USD.
    expect(stdout).toContain('$0.00003105 · 31 in / 44 out tokens')
    // The fake counts a token a word or other character: 6 + 3 + 6 = 15 tokens at $0.02 per million.
    expect(stdout).toContain('embeddings: 3 vectors of 256 numbers · 15 input tokens · $0.0000003')
    // A batch at half price: 1,000 in x $1 + 200 out x $5 per million (claude-sonnet-5 is $2 / $10).
    expect(stdout).toMatch(/batch: submitted batch_[\w-]+ \(in_progress\) to anthropic/)
    expect(stdout).toContain('  alfama: Go at dawn. · $0.002\n  graca: Go at sunset. · $0.002')
  }, 90_000)
})
