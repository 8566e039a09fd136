import { AbortedError, createAI, type ProviderRequest, UnknownModelError } from '@aimux/ai-core'
import { anthropicProtocol, createFakeServer, type FakeServer, testContext } from '@aimux/ai-testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { anthropic, anthropicAdapter } from './anthropic.js'

const apiKey = 'sk-ant-api03-count0123456789abcdef'
let server: FakeServer
let adapter: ReturnType<typeof anthropicAdapter>
beforeEach(async () => {
  server = await createFakeServer(anthropicProtocol())
  adapter = anthropicAdapter({ apiKey, baseURL: server.url })
})
afterEach(() => server.close())

const count = (request: ProviderRequest) => adapter.countTokens!(request, testContext())

// The fake counts a token for each word and each other character that is not a space, 3 for
// each message and 1,600 for each image (ai-testing's anthropic-count-tokens.ts).
describe('anthropic countTokens', () => {
  it('counts through POST /v1/messages/count_tokens what a chat call would send', async () => {
    const counted = await count({
      model: 'claude-sonnet-5',
      messages: [
        { role: 'system', content: 'Be brief.' }, // 3
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' }, // 4
            { type: 'image', image: 'aGVsbG8=', mediaType: 'image/png' },
          ],
        },
      ],
      tools: [{ name: 'look', description: 'Looks.', parameters: { type: 'object' } }], // 1 + 2 + 9
      toolChoice: 'auto',
      maxOutputTokens: 100,
      stop: ['END'],
    })
    expect(counted).toEqual({ inputTokens: 3 + (3 + 4 + 1_600) + 12, exact: true, source: 'provider' })
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages/count_tokens' })
    // The chat mapping, without what count_tokens refuses (max_tokens, stop_sequences).
    expect(server.requests[0]!.body).toEqual({
      model: 'claude-sonnet-5',
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'aGVsbG8=' } },
          ],
        },
      ],
      tools: [{ name: 'look', description: 'Looks.', input_schema: { type: 'object' } }],
      tool_choice: { type: 'auto' },
    })
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${apiKey}`)
  })

  it('sends thinking and the output schema, and leaves out provider options count_tokens refuses', async () => {
    const counted = await count({
      model: 'claude-sonnet-5',
      messages: [{ role: 'user', content: 'Hello, world!' }], // 3 + 4
      reasoning: { budgetTokens: 2_000 },
      responseFormat: { type: 'json', schema: { type: 'object' } },
      providerOptions: { anthropic: { metadata: { user_id: 'u1' }, service_tier: 'auto' } },
    })
    expect(counted).toEqual({ inputTokens: 7, exact: true, source: 'provider' })
    expect(server.requests[0]!.body).toEqual({
      model: 'claude-sonnet-5',
      messages: [{ role: 'user', content: 'Hello, world!' }],
      thinking: { type: 'enabled', budget_tokens: 2_000 },
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
    })
  })

  it('is an UnknownModelError naming the model for a model Anthropic does not know', async () => {
    const error = await count({ model: 'claude-nope', messages: [{ role: 'user', content: 'Hi' }] }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(UnknownModelError)
    expect(error).toMatchObject({
      message: 'anthropic: 404 model: claude-nope',
      status: 404,
      provider: 'anthropic',
      model: 'claude-nope',
      retryable: false,
    })
  })

  it('is an AbortedError when the call is aborted, and sends nothing', async () => {
    const error = await adapter.countTokens!(
      { model: 'claude-sonnet-5', messages: [{ role: 'user', content: 'Hi' }] },
      testContext({ signal: AbortSignal.abort() }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AbortedError)
    expect(server.requests).toHaveLength(0)
  })

  it('answers ai.countTokens with the provider and model', async () => {
    const ai = await createAI({ plugins: [anthropic({ apiKey, baseURL: server.url })] })
    try {
      expect(
        await ai.countTokens({
          model: 'anthropic:claude-opus-5-5',
          system: 'Be brief.',
          messages: [{ role: 'user', content: 'Hello, world!' }],
        }),
      ).toEqual({
        inputTokens: 3 + 3 + 4,
        exact: true,
        source: 'provider',
        provider: 'anthropic',
        model: 'claude-opus-5-5',
      })
      expect(server.pending).toBe(0)
    } finally {
      await ai.close()
    }
  })
})
