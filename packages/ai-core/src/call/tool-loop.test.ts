import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ValidationError } from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import { defineTool, type Tool } from '../spec/tool.js'

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: city === 'Oslo' ? 3 : 21 }),
})

async function setup() {
  const mock = mockProvider()
  const ai = await createAI({
    plugins: [mock],
    defaultModel: 'mock:small',
    prices: [{ provider: 'mock', model: 'small', price: { input: 1, output: 1 } }],
  })
  return { mock, ai }
}

const messages = [{ role: 'user' as const, content: 'Weather in Oslo and Rome?' }]

describe('tool loop', () => {
  it('runs model, tools, model, and reports every step and the total', async () => {
    const { mock, ai } = await setup()
    mock.enqueue(
      {
        toolCalls: [
          { id: 'c1', name: 'get_weather', args: { city: 'Oslo' } },
          { id: 'c2', name: 'get_weather', args: { city: 'Rome' } },
        ],
        usage: { inputTokens: 100, outputTokens: 20 },
      },
      { text: 'Oslo 3°C, Rome 21°C.', usage: { inputTokens: 150, outputTokens: 10 } },
    )
    const res = await ai.chat({ messages, tools: [weather] })
    expect(res.text).toBe('Oslo 3°C, Rome 21°C.')
    expect(res.steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop'])
    expect(res.steps[0]?.toolResults).toEqual([
      { toolCallId: 'c1', toolName: 'get_weather', result: { city: 'Oslo', tempC: 3 }, isError: false },
      { toolCallId: 'c2', toolName: 'get_weather', result: { city: 'Rome', tempC: 21 }, isError: false },
    ])
    expect(res.steps.map((s) => s.cost.nanoUsd)).toEqual([120_000, 160_000])
    expect(res.usage.inputTokens).toBe(250)
    expect(res.cost.nanoUsd).toBe(280_000)
    // The second call carried the assistant's tool calls and the tool results.
    const second = mock.calls[1]!.request
    expect(second.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool'])
    expect(second.messages[2]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'get_weather',
          result: { city: 'Oslo', tempC: 3 },
        },
        {
          type: 'tool-result',
          toolCallId: 'c2',
          toolName: 'get_weather',
          result: { city: 'Rome', tempC: 21 },
        },
      ],
    })
    expect(mock.calls[0]!.request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Current weather in a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
          additionalProperties: false,
        },
      },
    ])
    await ai.close()
  })

  it('stops at maxSteps and returns the pending tool calls', async () => {
    const { mock, ai } = await setup()
    const call = { toolCalls: [{ id: 'c', name: 'get_weather', args: { city: 'Oslo' } }] }
    mock.enqueue(call, call)
    const res = await ai.chat({ messages, tools: [weather], maxSteps: 2 })
    expect(res.steps).toHaveLength(2)
    expect(res.finishReason).toBe('tool-calls')
    expect(res.toolCalls).toEqual([{ id: 'c', name: 'get_weather', args: { city: 'Oslo' } }])
    expect(mock.calls).toHaveLength(2)
    await ai.close()
  })

  it('sends invalid arguments and tool failures back to the model as error results', async () => {
    const { mock, ai } = await setup()
    const failing = defineTool({
      name: 'explode',
      parameters: z.object({}),
      execute: () => {
        throw new Error('kaboom')
      },
    })
    const picky: Tool = {
      name: 'picky',
      parameters: { type: 'object' },
      execute: () => {
        throw new ValidationError("Invalid arguments for tool 'picky': n: must be number")
      },
    }
    mock.enqueue(
      {
        toolCalls: [
          { id: 'a', name: 'get_weather', args: { town: 'Oslo' } },
          { id: 'b', name: 'explode', args: {} },
          { id: 'c', name: 'no_such_tool', args: {} },
          { id: 'd', name: 'picky', args: { n: 'x' } },
        ],
      },
      { text: 'Sorry.' },
    )
    const res = await ai.chat({ messages, tools: [weather, failing, picky] })
    expect(res.text).toBe('Sorry.')
    expect(res.steps[0]?.toolResults.map((r) => [r.isError, r.result])).toEqual([
      [
        true,
        "Invalid arguments for tool 'get_weather': city: Invalid input: expected string, received undefined",
      ],
      [true, "Tool 'explode' failed: kaboom"],
      [true, "Unknown tool 'no_such_tool'."],
      [true, "Invalid arguments for tool 'picky': n: must be number"],
    ])
    await ai.close()
  })

  it('returns tool calls to the caller when the tool has no execute', async () => {
    const { mock, ai } = await setup()
    mock.enqueue({ toolCalls: [{ id: 'x', name: 'lookup', args: { q: 'aimux' } }] })
    const res = await ai.chat({
      messages,
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    })
    expect(res.finishReason).toBe('tool-calls')
    expect(res.toolCalls).toEqual([{ id: 'x', name: 'lookup', args: { q: 'aimux' } }])
    expect(mock.calls).toHaveLength(1)
    await ai.close()
  })

  it('streams tool calls, tool results and both steps', async () => {
    const { mock, ai } = await setup()
    mock.enqueue(
      { toolCalls: [{ id: 'c1', name: 'get_weather', args: { city: 'Oslo' } }] },
      { chunks: ['Cold', '.'] },
    )
    const types: string[] = []
    const stream = ai.stream({ messages, tools: [weather] })
    for await (const part of stream) types.push(part.type)
    expect(types).toEqual([
      'tool-call',
      'tool-result',
      'step-finish',
      'text-delta',
      'text-delta',
      'step-finish',
      'finish',
    ])
    expect((await stream.result).text).toBe('Cold.')
    await ai.close()
  })

  it('uses tools a plugin registered, by name', async () => {
    const mock = mockProvider()
    const ai = await createAI({
      plugins: [mock, { name: 'tools', setup: (host) => host.registerTool(weather) }],
      defaultModel: 'mock:small',
    })
    mock.enqueue(
      { toolCalls: [{ id: 'c1', name: 'get_weather', args: { city: 'Rome' } }] },
      { text: 'Warm.' },
    )
    const res = await ai.chat({ messages, tools: ['get_weather'] })
    expect(res.steps[0]?.toolResults[0]?.result).toEqual({ city: 'Rome', tempC: 21 })
    await expect(ai.chat({ messages, tools: ['nope'] })).rejects.toThrow(
      "Unknown tool 'nope'. Registered tools: get_weather.",
    )
    await ai.close()
  })
})
