import { mockProvider } from '@aimux/ai-testing'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createAI } from '../instance/create-ai.js'
import { defineTool } from '../spec/tool.js'

const add = defineTool({
  name: 'add',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
})
const messages = [{ role: 'user' as const, content: 'Add 1 and 2, and look up aimux.' }]

async function setup() {
  const mock = mockProvider()
  const ai = await createAI({ plugins: [mock], defaultModel: 'mock:small' })
  return { mock, ai }
}

describe('a tool step', () => {
  it('goes back to the caller when any call of the step is for a tool it must run itself', async () => {
    const { mock, ai } = await setup()
    mock.enqueue(
      {
        toolCalls: [
          { id: 'a', name: 'add', args: { a: 1, b: 2 } },
          { id: 'b', name: 'lookup', args: { q: 'aimux' } },
        ],
      },
      { text: 'never asked' },
    )
    const res = await ai.chat({ messages, tools: [add, { name: 'lookup', parameters: { type: 'object' } }] })
    expect(res.finishReason).toBe('tool-calls')
    expect(res.toolCalls.map((c) => c.id)).toEqual(['a', 'b'])
    expect(mock.calls).toHaveLength(1)
    await ai.close()
  })

  it("emits 'tool:call' for each call, saying which ones failed", async () => {
    const { mock, ai } = await setup()
    const calls: { toolName: string; toolCallId: string; ok: boolean; durationMs: number }[] = []
    ai.on('tool:call', (event) => void calls.push(event))
    mock.enqueue(
      {
        toolCalls: [
          { id: 'a', name: 'add', args: { a: 1, b: 2 } },
          { id: 'b', name: 'add', args: { a: 'one' } },
        ],
      },
      { text: '3' },
    )
    const res = await ai.chat({ messages, tools: [add] })
    expect(res.text).toBe('3')
    await ai.flush()
    expect(calls.map(({ toolName, toolCallId, ok }) => ({ toolName, toolCallId, ok }))).toEqual([
      { toolName: 'add', toolCallId: 'a', ok: true },
      { toolName: 'add', toolCallId: 'b', ok: false },
    ])
    await ai.close()
  })
})
