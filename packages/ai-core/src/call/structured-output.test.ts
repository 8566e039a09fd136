import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { StructuredOutputError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import type { DeepPartial } from '../spec/deep-partial.js'
import type { StreamPart } from '../spec/result.js'
import { defineTool } from '../spec/tool.js'

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

/** Every part of a stream, and the error it ended with if any. */
async function read<T>(parts: AsyncIterable<T>) {
  const seen: T[] = []
  try {
    for await (const part of parts) seen.push(part)
  } catch (error) {
    return { seen, error }
  }
  return { seen, error: undefined }
}

const objectsOf = (parts: StreamPart[]) =>
  parts.flatMap((part) => (part.type === 'object-delta' ? [part.object] : []))

describe('streamed objects', () => {
  it('grow in order as the JSON arrives, each after its text delta, the last one the validated object', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"name":', '"Ad', 'a","age', '":3', '6', '}'] })
    const stream = ai.stream({ messages, schema: Person })
    const { seen, error } = await read(stream)
    expect(error).toBeUndefined()
    expect(seen.map((p) => (p.type === 'object-delta' ? p.object : p.type))).toEqual([
      'text-delta',
      {},
      'text-delta',
      { name: 'Ad' },
      'text-delta',
      { name: 'Ada' },
      // "age" and the number's first digit arrive: nothing new to show until the number ends.
      'text-delta',
      'text-delta',
      'text-delta',
      { name: 'Ada', age: 36 },
      'step-finish',
      'finish',
    ])
    // The text deltas are all still there.
    expect(seen.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('')).toBe(
      '{"name":"Ada","age":36}',
    )
    const result = await stream.result
    expect(objectsOf(seen).at(-1)).toEqual(result.object)
    await ai.close()
  })

  it('are typed as partial objects of the schema', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"name":"Ada","age":36}'] })
    const partials: DeepPartial<{ name: string; age: number }>[] = []
    for await (const part of ai.stream({ messages, schema: Person })) {
      if (part.type === 'object-delta') {
        expectTypeOf(part.object).toEqualTypeOf<{ name?: string; age?: number }>()
        partials.push(part.object)
      }
    }
    expect(partials).toEqual([{ name: 'Ada', age: 36 }])
    await ai.close()
  })

  it('read a reply fenced as a json code block, as the final parse does', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['```json\n', '{"name":"Ada",', '"age":36}', '\n```'] })
    const stream = ai.stream({ messages, schema: Person })
    expect(objectsOf((await read(stream)).seen)).toEqual([{ name: 'Ada' }, { name: 'Ada', age: 36 }])
    expect((await stream.result).object).toEqual({ name: 'Ada', age: 36 })
    await ai.close()
  })

  it('do not spare an invalid reply: the stream still ends with a StructuredOutputError', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"name":"Ada",', '"age":"old"}'] })
    const stream = ai.stream({ messages, schema: Person })
    const { seen, error } = await read(stream)
    expect(objectsOf(seen)).toEqual([{ name: 'Ada' }, { name: 'Ada', age: 'old' }])
    expect(seen.some((p) => p.type === 'finish')).toBe(false)
    expect(StructuredOutputError.is(error)).toBe(true)
    expect((error as StructuredOutputError).issues).toEqual([
      { path: 'age', message: 'Invalid input: expected number, received string' },
    ])
    await expect(stream.result).rejects.toBe(error)
    await ai.close()
  })

  it('are not sent without a schema, nor for a responseFormat left unparsed', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"name":', '"Ada","age":36}'] }, { chunks: ['{"name":', '"Ada","age":36}'] })
    const plain = await read(ai.stream({ messages }))
    const unparsed = await read(ai.stream({ messages, responseFormat: { type: 'json' } }))
    for (const { seen } of [plain, unparsed]) {
      expect(seen.map((p) => p.type)).toEqual(['text-delta', 'text-delta', 'step-finish', 'finish'])
    }
    await ai.close()
  })

  it('come from the step that answers, after a tool step', async () => {
    const { mock, ai } = await setup()
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ who: z.string() }),
      execute: async () => ({ born: 1815 }),
    })
    mock.enqueue(
      { text: 'Looking her up.', toolCalls: [{ id: 'c1', name: 'lookup', args: { who: 'Ada' } }] },
      { chunks: ['{"name":"Ada",', '"age":36}'] },
    )
    const stream = ai.stream({ messages, schema: Person, tools: [lookup] })
    const { seen } = await read(stream)
    const types = seen.map((p) => p.type)
    expect(types.indexOf('object-delta')).toBeGreaterThan(types.indexOf('tool-result'))
    expect(objectsOf(seen)).toEqual([{ name: 'Ada' }, { name: 'Ada', age: 36 }])
    expect((await stream.result).object).toEqual({ name: 'Ada', age: 36 })
    await ai.close()
  })

  it('stream in a conversation turn too', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ chunks: ['{"name":"Ada",', '"age":36}'] })
    const chat = await ai.conversation({ userId: 'u1' })
    const stream = chat.stream('Who?', { schema: Person })
    expect(objectsOf((await read(stream)).seen)).toEqual([{ name: 'Ada' }, { name: 'Ada', age: 36 }])
    expect((await stream.result).object).toEqual({ name: 'Ada', age: 36 })
    await ai.close()
  })
})
