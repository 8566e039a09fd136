import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { StructuredOutputError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'

const Person = z.object({ name: z.string(), age: z.number().int() })

async function setup() {
  const mock = mockProvider()
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
  return { mock, ai }
}

const messages = [{ role: 'user' as const, content: 'Who?' }]

describe('structured output', () => {
  it('asks for JSON matching the schema and returns a typed, validated object', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: '{"name":"Ada","age":36}' })
    const res = await ai.chat({ messages, schema: Person, schemaName: 'person' })
    expect(res.object).toEqual({ name: 'Ada', age: 36 })
    expectTypeOf(res.object).toEqualTypeOf<{ name: string; age: number }>()
    expect(mock.calls[0]?.request.responseFormat).toEqual({
      type: 'json',
      name: 'person',
      schema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          age: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
        },
        required: ['name', 'age'],
        additionalProperties: false,
      },
    })
    await ai.close()
  })

  it('hands a responseFormat to the provider as it is and leaves the reply unparsed', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'not json at all' }, { text: '{}' })
    const schema = { type: 'object', properties: { n: { type: 'number' } } }
    const res = await ai.chat({ messages, responseFormat: { type: 'json', name: 'n', schema } })
    expect(mock.calls[0]?.request.responseFormat).toEqual({ type: 'json', name: 'n', schema })
    expect(res.text).toBe('not json at all')
    expect(res.object).toBeUndefined()
    await ai.chat({ messages, responseFormat: { type: 'json' } })
    expect(mock.calls[1]?.request.responseFormat).toEqual({ type: 'json' })
    await expect(ai.chat({ messages, schema: Person, responseFormat: { type: 'json' } })).rejects.toThrow(
      /responseFormat: give it or `schema`, not both/,
    )
    await ai.close()
  })

  it('accepts a reply fenced as a json code block', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: '```json\n{"name":"Ada","age":36}\n```' })
    expect((await ai.chat({ messages, schema: Person })).object).toEqual({ name: 'Ada', age: 36 })
    await ai.close()
  })

  it('rejects a reply that does not validate, keeping the raw text', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: '{"name":"Ada","age":"old"}', usage: { inputTokens: 10, outputTokens: 8 } })
    const error = await ai.chat({ messages, schema: Person, requestId: 'bad-json' }).catch((e) => e)
    expect(StructuredOutputError.is(error)).toBe(true)
    expect(error.text).toBe('{"name":"Ada","age":"old"}')
    expect(error.issues).toEqual([
      { path: 'age', message: 'Invalid input: expected number, received string' },
    ])
    // The reply was paid for: the usage record keeps its tokens and says why the call failed.
    expect(await ai.usage.get('bad-json')).toMatchObject({
      success: false,
      errorCode: 'structured-output',
      inputTokens: 10,
      outputTokens: 8,
    })
    await ai.close()
  })

  it('rejects a reply that is not JSON, keeping the raw text', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ text: 'Ada, 36' })
    const error = await ai.chat({ messages, schema: Person }).catch((e) => e)
    expect(error.code).toBe('structured-output')
    expect(error.message).toMatch(/^The model's reply is not valid JSON/)
    expect(error.text).toBe('Ada, 36')
    await ai.close()
  })

  it('validates the streamed result too', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"name":', '"Bo","age":7}'] })
    const stream = ai.stream({ messages, schema: Person })
    expect((await stream.result).object).toEqual({ name: 'Bo', age: 7 })
    await ai.close()
  })
})
