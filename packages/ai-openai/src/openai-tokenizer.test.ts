import { createRequire } from 'node:module'
import { createAI, type Message, type ProviderRequest, type ToolSpec } from '@aimux/ai-core'
import { createFakeServer, openaiChatProtocol, testContext } from '@aimux/ai-testing'
import { computeChatCompletionTokenCount } from 'gpt-tokenizer/functionCalling'
import { describe, expect, it } from 'vitest'
import { openai, openaiAdapter } from './openai.js'
import { IMAGE_TOKENS, openaiEncodingOf } from './openai-tokenizer.js'

const apiKey = 'sk-test-tokens-0123456789'
// Never called: counting is local. A closed port would fail any request that slipped through.
const adapter = openaiAdapter({ apiKey, baseURL: 'http://127.0.0.1:9/v1' })
const responses = openaiAdapter({ apiKey, baseURL: 'http://127.0.0.1:9/v1', api: 'responses' })
const count = (request: ProviderRequest, provider = adapter) => provider.countTokens!(request, testContext())
const user = (content: Message['content']) => ({ role: 'user', content }) as Message

/** The tool of OpenAI's function-calling examples. */
const weather: ToolSpec = {
  name: 'get_current_weather',
  description: 'Get the current weather in a given location',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['location'],
  },
}

describe('openaiEncodingOf', () => {
  it('knows each OpenAI chat model family, new snapshots and fine-tunes included', () => {
    expect(openaiEncodingOf('gpt-4o-mini')).toBe('o200k_base')
    expect(openaiEncodingOf('gpt-5.4-mini')).toBe('o200k_base')
    expect(openaiEncodingOf('o4-mini')).toBe('o200k_base')
    expect(openaiEncodingOf('gpt-7-nano-2031-01-01')).toBe('o200k_base')
    expect(openaiEncodingOf('ft:gpt-4o-mini-2024-07-18:acme::abc123')).toBe('o200k_base')
    expect(openaiEncodingOf('gpt-4')).toBe('cl100k_base')
    expect(openaiEncodingOf('gpt-4-turbo-2024-04-09')).toBe('cl100k_base')
    expect(openaiEncodingOf('gpt-3.5-turbo')).toBe('cl100k_base')
  })

  it('knows no tokenizer for a model that is not an OpenAI chat model', () => {
    expect(openaiEncodingOf('llama-3.1-70b-instruct')).toBeUndefined()
    expect(openaiEncodingOf('grok-4')).toBeUndefined()
    expect(openaiEncodingOf('text-davinci-003')).toBeUndefined()
  })

  it("reproduces the counts of OpenAI's cookbook example: 129 tokens on GPT-4, 124 on GPT-4o", () => {
    const load = createRequire(import.meta.url)
    const messages = [
      {
        role: 'system',
        content:
          'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
      },
      { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
      {
        role: 'system',
        name: 'example_assistant',
        content: 'Things working well together will increase revenue.',
      },
      {
        role: 'system',
        name: 'example_user',
        content:
          "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
      },
      {
        role: 'system',
        name: 'example_assistant',
        content: "Let's talk later when we're less busy about how to do better.",
      },
      {
        role: 'user',
        content: "This late pivot means we don't have time to boil the ocean for the client deliverable.",
      },
    ]
    const counted = (model: string) => {
      const { countTokens } = load(`gpt-tokenizer/encoding/${openaiEncodingOf(model)}`) as {
        countTokens(text: string): number
      }
      return computeChatCompletionTokenCount({ messages }, countTokens)
    }
    expect(counted('gpt-4-0613')).toBe(129)
    expect(counted('gpt-4o')).toBe(124)
  })
})

describe('counting OpenAI prompts locally', () => {
  it('counts text messages exactly: 3 a message, its role and content, 3 to prime the reply', async () => {
    // "hello world" is 2 tokens in both encodings (tiktoken's own test); "user" is 1.
    expect(await count({ model: 'gpt-4o', messages: [user('hello world')] })).toEqual({
      inputTokens: 3 + 1 + 2 + 3,
      exact: true,
      source: 'tokenizer',
    })
    expect(await count({ model: 'gpt-4', messages: [user('hello world')] })).toMatchObject({
      inputTokens: 9,
      exact: true,
    })
    const conversation: Message[] = [
      { role: 'system', content: 'Be brief.' },
      user('hello world'),
      { role: 'assistant', content: [{ type: 'text', text: 'hello world' }] },
    ]
    const estimator = adapter.tokenEstimator!('gpt-4o')!
    const perMessage = conversation.reduce((n, m) => n + estimator.message(m), 0)
    expect(await count({ model: 'gpt-4o', messages: conversation })).toEqual({
      inputTokens: perMessage + 3,
      exact: true,
      source: 'tokenizer',
    })
    expect(estimator.prompt(conversation)).toBe(perMessage + 3)
  })

  it('counts tool definitions as the model reads them: 80 tokens, as the API reported for GPT-4o', async () => {
    const request = {
      model: 'gpt-4o-2024-08-06',
      messages: [user("What's the weather like in Boston today?")],
      tools: [weather],
    }
    expect(await count(request)).toEqual({ inputTokens: 80, exact: false, source: 'tokenizer' })
    expect(adapter.tokenEstimator!('gpt-4o-2024-08-06')!.prompt(request.messages, request.tools)).toBe(80)
  })

  it('counts images at a flat figure, tool calls and results as messages, and says it is not exact', async () => {
    const text = await count({ model: 'gpt-4o', messages: [user([{ type: 'text', text: 'What is this?' }])] })
    const withImage = await count({
      model: 'gpt-4o',
      messages: [
        user([
          { type: 'text', text: 'What is this?' },
          { type: 'image', image: 'https://example.com/cat.png' },
        ]),
      ],
    })
    expect(withImage).toEqual({
      inputTokens: text!.inputTokens + IMAGE_TOKENS,
      exact: false,
      source: 'tokenizer',
    })
    const toolTurn = await count({
      model: 'gpt-4o',
      messages: [
        user('Weather in Paris?'),
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'c1', name: 'get_current_weather', args: { location: 'Paris' } },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'c1', toolName: 'get_current_weather', result: { c: 21 } },
          ],
        },
      ],
    })
    expect(toolTurn?.exact).toBe(false)
    expect(toolTurn!.inputTokens).toBeGreaterThan(
      (await count({ model: 'gpt-4o', messages: [user('Weather in Paris?')] }))!.inputTokens + 10,
    )
  })

  it('counts text that looks like a special token as text', async () => {
    const counted = await count({ model: 'gpt-4o', messages: [user('<|endoftext|>')] })
    expect(counted).toEqual({ inputTokens: 3 + 1 + 7 + 3, exact: true, source: 'tokenizer' })
  })

  it('counts the same on the Responses API, never as exact: its framing is not published', async () => {
    expect(await count({ model: 'gpt-4o', messages: [user('hello world')] }, responses)).toEqual({
      inputTokens: 9,
      exact: false,
      source: 'tokenizer',
    })
  })

  it('has no count and no tokenizer for a model that is not OpenAI', async () => {
    expect(await count({ model: 'llama-3.1-70b', messages: [user('hello world')] })).toBeUndefined()
    expect(adapter.tokenEstimator!('llama-3.1-70b')).toBeUndefined()
  })

  it('answers ai.countTokens without a request to the server', async () => {
    const server = await createFakeServer(openaiChatProtocol())
    const ai = await createAI({ plugins: [openai({ apiKey, baseURL: `${server.url}/v1` })] })
    try {
      expect(
        await ai.countTokens({
          model: 'openai:gpt-5.4-mini',
          system: 'Be brief.',
          messages: [user('hello world')],
        }),
      ).toEqual({
        // system: 3 + 1 + 3 ("Be", " brief", "."); user: 3 + 1 + 2; the reply: 3.
        inputTokens: 7 + 6 + 3,
        exact: true,
        source: 'tokenizer',
        provider: 'openai',
        model: 'gpt-5.4-mini',
      })
      expect(
        await ai.countTokens({ model: 'openai:my-local-llama', messages: [user('hello world')] }),
      ).toMatchObject({
        source: 'estimate',
        exact: false,
      })
      expect(server.requests).toHaveLength(0)
    } finally {
      await ai.close()
      await server.close()
    }
  })
})

describe('counts kept for texts counted before', () => {
  const o200k = createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as {
    countTokens(text: string): number
  }
  const cl100k = createRequire(import.meta.url)('gpt-tokenizer/encoding/cl100k_base') as {
    countTokens(text: string): number
  }
  const framed = (text: string, encoding: typeof o200k) =>
    computeChatCompletionTokenCount({ messages: [{ role: 'user', content: text }] }, (t) =>
      encoding.countTokens(t),
    )

  it('are the encoding’s own: the same long text counts as each model’s tokenizer does, however often', async () => {
    // Chinese prose splits very differently in the two encodings.
    const text = '预算在每次调用之前估算提示的令牌数，对话每一轮都会再次发送它的历史。'.repeat(8)
    const [o, cl] = [framed(text, o200k), framed(text, cl100k)]
    expect(o).not.toBe(cl)
    for (let i = 0; i < 3; i++) {
      expect(await count({ model: 'gpt-4o', messages: [user(text)] })).toMatchObject({ inputTokens: o })
      expect(await count({ model: 'gpt-4', messages: [user(text)] })).toMatchObject({ inputTokens: cl })
    }
  })

  it('cover short texts too, counted the same however often', async () => {
    for (let i = 0; i < 3; i++) {
      for (const text of ['Hi', 'Say hello.', 'user']) {
        expect(await count({ model: 'gpt-4o', messages: [user(text)] })).toMatchObject({
          inputTokens: framed(text, o200k),
        })
      }
    }
  })

  it('follow the text, not where it sits: a text changed by one character is counted anew', async () => {
    const text = 'word '.repeat(40)
    const changed = `${text.slice(0, -1)}!`
    expect(await count({ model: 'gpt-4o', messages: [user(text)] })).toMatchObject({
      inputTokens: framed(text, o200k),
    })
    expect(await count({ model: 'gpt-4o', messages: [user(changed)] })).toMatchObject({
      inputTokens: framed(changed, o200k),
    })
    const estimator = adapter.tokenEstimator!('gpt-4o')!
    expect(estimator.message(user(changed))).toBe(framed(changed, o200k) - 3)
  })
})
