import { type AimuxEvents, ConfigError, ContentFilterError, createAI, defineTool } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { GuardrailError } from './guardrail-error.js'
import { type GuardrailsOptions, guardrails } from './index.js'

const EMAIL = 'jane.doe@example.com'
const CARD = '4111 1111 1111 1111'
const KEY = 'sk-proj-abcDEF1234567890abcdEF12'

async function setup(options: GuardrailsOptions) {
  const mock = mockProvider()
  const ai = await createAI({ plugins: [mock, guardrails(options)], defaultModel: 'mock:mock-model' })
  const events: { name: string; payload: unknown }[] = []
  for (const name of ['guardrails:redacted', 'guardrails:blocked', 'error'] as const)
    ai.on(name, (payload: AimuxEvents[typeof name]) => {
      events.push({ name, payload })
    })
  return { mock, ai, events }
}

const sent = (mock: ReturnType<typeof mockProvider>) =>
  JSON.stringify(mock.calls.map((c) => c.request.messages))
const user = (content: string) => [{ role: 'user' as const, content }]

describe('guardrails on ai.chat', () => {
  it("masks: the provider receives the detector's label, never the data", async () => {
    const { mock, ai, events } = await setup({ redact: { email: 'mask', card: 'mask' } })
    mock.enqueue({ text: 'Noted.' })
    const res = await ai.chat({
      system: `Support for ${EMAIL}.`,
      messages: user(`I am ${EMAIL}, card ${CARD}.`),
    })
    expect(res.text).toBe('Noted.')
    expect(sent(mock)).not.toContain(EMAIL)
    expect(sent(mock)).not.toContain(CARD)
    expect(mock.calls[0]?.request.messages).toEqual([
      { role: 'system', content: 'Support for [EMAIL].' },
      { role: 'user', content: 'I am [EMAIL], card [CARD].' },
    ])
    await ai.flush()
    expect(events).toEqual([
      {
        name: 'guardrails:redacted',
        payload: { requestId: res.requestId, scope: {}, step: 1, counts: { email: 2, card: 1 } },
      },
    ])
    expect((await ai.store.usage.getUsage(res.requestId))?.counts).toEqual({
      'guardrails.redacted.email': 2,
      'guardrails.redacted.card': 1,
    })
    await ai.close()
  })

  it('replaces with placeholders and restores them in the answer', async () => {
    const { mock, ai } = await setup({ redact: { email: 'placeholder' } })
    mock.enqueue({ text: 'I will write to <<EMAIL_1>> and copy <<EMAIL_2>>, then <<EMAIL_1>> again.' })
    const res = await ai.chat({ messages: user(`Mail ${EMAIL}, cc bob@example.org, and ${EMAIL}.`) })
    expect(mock.calls[0]?.request.messages).toEqual(
      user('Mail <<EMAIL_1>>, cc <<EMAIL_2>>, and <<EMAIL_1>>.'),
    )
    expect(res.text).toBe(`I will write to ${EMAIL} and copy bob@example.org, then ${EMAIL} again.`)
    await ai.close()
  })

  it('refuses before anything is sent, with a GuardrailError naming the detector, not the data', async () => {
    const { mock, ai, events } = await setup({ redact: { email: 'placeholder', apiKey: 'refuse' } })
    const error = await ai.chat({ messages: user(`Use ${KEY} for ${EMAIL}`) }).catch((e: unknown) => e)
    expect(GuardrailError.is(error)).toBe(true)
    expect(ContentFilterError.is(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'content-filter',
      rule: 'redact',
      detector: 'apiKey',
      retryable: false,
    })
    expect((error as Error).message).toBe(
      "Refused by guardrails: the prompt contains an API key (detector 'apiKey'); nothing was sent.",
    )
    expect(mock.calls).toHaveLength(0)
    await ai.flush()
    const blocked = events.find((e) => e.name === 'guardrails:blocked')
    expect(blocked?.payload).toMatchObject({
      rule: 'redact',
      detector: 'apiKey',
      step: 1,
      counts: { apiKey: 1, email: 1 },
    })
    const record = await ai.store.usage.getUsage((error as GuardrailError).requestId!)
    expect(record).toMatchObject({ success: false, errorCode: 'content-filter' })
    expect(record?.counts).toEqual({ 'guardrails.blocked.redact.apiKey': 1 })
    const everything = JSON.stringify([
      events,
      error,
      (error as Error).message,
      (error as Error).stack,
      record,
    ])
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain(EMAIL)
    await ai.close()
  })

  it('redacts tool results in later steps and restores placeholders in tool arguments', async () => {
    const { mock, ai, events } = await setup({ redact: { email: 'placeholder', phone: 'mask' } })
    const seen: string[] = []
    const lookup = defineTool({
      name: 'lookup',
      description: 'Finds a customer',
      parameters: z.object({ email: z.string() }),
      execute: async ({ email }) => {
        seen.push(email)
        return { email, phone: '+44 20 7946 0958', other: 'ann@example.net' }
      },
    })
    mock.enqueue(
      { toolCalls: [{ id: 'c1', name: 'lookup', args: { email: '<<EMAIL_1>>' } }] },
      { text: 'Found <<EMAIL_2>>.' },
    )
    const res = await ai.chat({ messages: user(`Who is ${EMAIL}?`), tools: [lookup] })
    expect(seen).toEqual([EMAIL])
    expect(res.text).toBe('Found ann@example.net.')
    expect(sent(mock)).not.toContain(EMAIL)
    expect(sent(mock)).not.toContain('ann@example.net')
    expect(sent(mock)).not.toContain('7946')
    expect(mock.calls[1]?.request.messages.at(-1)).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'lookup',
          result: { email: '<<EMAIL_1>>', phone: '[PHONE]', other: '<<EMAIL_2>>' },
        },
      ],
    })
    await ai.flush()
    expect(events.map((e) => e.payload)).toEqual([
      { requestId: res.requestId, scope: {}, step: 1, counts: { email: 1 } },
      // The user's address, the tool call's restored argument, and the tool result's two addresses.
      { requestId: res.requestId, scope: {}, step: 2, counts: { email: 4, phone: 1 } },
    ])
    // The usage record sums what each step sent redacted.
    expect((await ai.store.usage.getUsage(res.requestId))?.counts).toEqual({
      'guardrails.redacted.email': 5,
      'guardrails.redacted.phone': 1,
    })
    await ai.close()
  })

  it('sends a request with nothing to redact as it is', async () => {
    const { mock, ai, events } = await setup({ redact: { email: 'mask' } })
    mock.enqueue({ text: 'Hi <<EMAIL_1>>' })
    const res = await ai.chat({ messages: user('Hello') })
    expect(res.text).toBe('Hi <<EMAIL_1>>')
    expect(mock.calls[0]?.request.messages).toEqual(user('Hello'))
    await ai.flush()
    expect(events).toEqual([])
    await ai.close()
  })
})

describe('guardrails on ai.stream', () => {
  it('restores a placeholder split across deltas, holding back only its possible start', async () => {
    const { mock, ai } = await setup({ redact: { email: 'placeholder' } })
    mock.enqueue({ chunks: ['Sure, I will mail <', '<EMA', 'IL_1', '>> today', ' <<', 'b>> <3'] })
    const deltas: string[] = []
    const stream = ai.stream({ messages: user(`Mail ${EMAIL} please`) })
    for await (const part of stream) if (part.type === 'text-delta') deltas.push(part.text)
    expect(deltas).toEqual(['Sure, I will mail ', `${EMAIL} today`, ' ', '<<b>> <3'])
    expect(deltas.join('')).toBe(`Sure, I will mail ${EMAIL} today <<b>> <3`)
    const result = await stream.result
    expect(result.text).toBe(`Sure, I will mail ${EMAIL} today <<b>> <3`)
    expect(JSON.stringify(mock.calls[0]?.request.messages)).not.toContain(EMAIL)
    await ai.close()
  })

  it('passes on a held start at the end of the stream as it is', async () => {
    const { mock, ai } = await setup({ redact: { email: 'placeholder' } })
    mock.enqueue({ chunks: ['To <<EMAIL_1>>, end <<EMA'] })
    const stream = ai.stream({ messages: user(`Mail ${EMAIL}`) })
    let text = ''
    for await (const part of stream) if (part.type === 'text-delta') text += part.text
    expect(text).toBe(`To ${EMAIL}, end <<EMA`)
    await ai.close()
  })
})

describe('blocking rules', () => {
  it('refuses denied words case-insensitively as whole words', async () => {
    const { mock, ai, events } = await setup({ block: { words: ['Project Falcon', 'salary'] } })
    mock.enqueue({ text: 'ok' }, { text: 'ok' })
    await expect(ai.chat({ messages: user('Tell me about project   FALCON') })).rejects.toMatchObject({
      name: 'GuardrailError',
      rule: 'denied-word',
      message: 'Refused by guardrails: the prompt contains a denied word or topic; nothing was sent.',
    })
    const refused = await ai
      .chat({ messages: user('What are salary bands?') })
      .catch((e: GuardrailError) => e)
    expect(refused).toMatchObject({ rule: 'denied-word' })
    expect(mock.calls).toHaveLength(0)
    // Not inside other words.
    expect((await ai.chat({ messages: user('salaryman falconry') })).text).toBe('ok')
    await ai.flush()
    expect(events.filter((e) => e.name === 'guardrails:blocked').map((e) => e.payload)).toMatchObject([
      { rule: 'denied-word', count: 1, step: 1 },
      { rule: 'denied-word', count: 1, step: 1 },
    ])
    expect(JSON.stringify(events)).not.toMatch(/falcon|salary/i)
    const record = await ai.store.usage.getUsage(refused.requestId!)
    expect(record?.counts).toEqual({ 'guardrails.blocked.denied-word': 1 })
    expect(JSON.stringify(record)).not.toMatch(/falcon|salary/i)
    await ai.close()
  })

  it('refuses prompts over the limit of every request, the tenant or the user', async () => {
    const { mock, ai, events } = await setup({
      block: {
        maxPrompt: { chars: 100 },
        maxPromptByTenant: { acme: { tokens: 10 } },
        maxPromptByUser: { u1: { chars: 20 } },
      },
    })
    mock.enqueue({ text: 'ok' }, { text: 'ok' })
    await expect(ai.chat({ messages: user('x'.repeat(101)) })).rejects.toMatchObject({
      rule: 'max-prompt',
      message: 'Refused by guardrails: the prompt is 101 chars, over the limit of 100; nothing was sent.',
    })
    await expect(
      ai.chat({ messages: user('y'.repeat(40)), scope: { tenantId: 'acme' } }),
    ).rejects.toMatchObject({
      message:
        "Refused by guardrails: the prompt is 14 tokens, over the tenant's limit of 10; nothing was sent.",
    })
    await expect(ai.chat({ messages: user('z'.repeat(21)), scope: { userId: 'u1' } })).rejects.toMatchObject({
      rule: 'max-prompt',
    })
    expect(mock.calls).toHaveLength(0)
    expect((await ai.chat({ messages: user('y'.repeat(40)), scope: { tenantId: 'other' } })).text).toBe('ok')
    expect((await ai.chat({ messages: user('z'.repeat(20)), scope: { userId: 'u1' } })).text).toBe('ok')
    await ai.flush()
    expect(events.filter((e) => e.name === 'guardrails:blocked').map((e) => e.payload)).toMatchObject([
      { rule: 'max-prompt', limit: 'all', unit: 'chars', max: 100, size: 101 },
      { rule: 'max-prompt', limit: 'tenant', unit: 'tokens', max: 10, size: 14, scope: { tenantId: 'acme' } },
      { rule: 'max-prompt', limit: 'user', unit: 'chars', max: 20, size: 21 },
    ])
    await ai.close()
  })
})

describe('options', () => {
  it('are checked: a wrong one is a ConfigError naming its field', () => {
    expect(() => guardrails({ redact: { email: 'hide' as never } })).toThrow(ConfigError)
    expect(() => guardrails({ redact: { email: 'hide' as never } })).toThrow(/redact\.email/)
    expect(() =>
      guardrails({ redact: { custom: [{ name: 'email', pattern: 'x', action: 'mask' }] } }),
    ).toThrow(/built-in detector/)
    expect(() => guardrails({ block: { maxPrompt: {} } })).toThrow(/block\.maxPrompt/)
    expect(() => guardrails({ redact: { custom: [{ name: 'x', pattern: '(', action: 'mask' }] } })).toThrow(
      /valid regular expression/,
    )
  })

  it('run custom patterns first, with their own labels', async () => {
    const { mock, ai } = await setup({
      redact: {
        phone: 'mask',
        custom: [{ name: 'employee-id', pattern: /EMP-\d{6}/, action: 'placeholder' }],
      },
    })
    mock.enqueue({ text: 'Employee <<EMPLOYEE_ID_1>> found.' })
    const res = await ai.chat({ messages: user('Who is EMP-004217, phone 07700 900123?') })
    expect(mock.calls[0]?.request.messages).toEqual(user('Who is <<EMPLOYEE_ID_1>>, phone [PHONE]?'))
    expect(res.text).toBe('Employee EMP-004217 found.')
    await ai.close()
  })
})
