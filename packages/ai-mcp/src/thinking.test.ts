import { type AI, createAI, type ToolMessage } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { everythingServer, thinkingServer } from '../test/test-servers.js'
import { mcp } from './mcp.js'

const open: AI[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((ai) => ai.close()))
})

const thought = (n: number, text: string, more: boolean) => ({
  name: 'thinking_sequentialthinking',
  args: { thought: text, thoughtNumber: n, totalThoughts: 2, nextThoughtNeeded: more },
})

// Every test here starts real server processes, which alone can take seconds on a loaded
// machine: tests assert outcomes and order, and their time limits leave room for that.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

describe('the thinking step', () => {
  it('runs sequential-thinking with the model before the request’s own call and passes the thoughts on', async () => {
    const model = mockProvider()
    const ai = await createAI({
      plugins: [
        model,
        mcp({
          servers: {
            thinking: { command: process.execPath, args: [thinkingServer] },
            everything: { command: process.execPath, args: [everythingServer, 'stdio'] },
          },
          thinking: { server: 'thinking' },
        }),
      ],
      defaultModel: 'mock:mock-model',
    })
    open.push(ai)
    model.enqueue(
      { toolCalls: [thought(1, 'The trip is three days long.', true)] },
      { toolCalls: [thought(2, 'Day one should be the old town.', false)] },
      { text: 'Start with the old town.' },
      { text: 'Begin in the old town, then the coast.' },
    )
    const res = await ai.chat({
      system: 'You plan trips.',
      messages: [{ role: 'user', content: 'Plan three days in Porto.' }],
      mcp: { everything: ['echo'] },
      mcpThinking: true,
    })

    expect(res.text).toBe('Begin in the old town, then the coast.')
    const [first, second, , main] = model.calls.map((c) => c.request)
    // The step: the thinking tool only, the request's own conversation, and its own request id.
    expect(first!.tools?.map((t) => t.name)).toEqual(['thinking_sequentialthinking'])
    expect(first!.messages[0]).toMatchObject({
      role: 'system',
      content: expect.stringContaining('Call the thinking_sequentialthinking tool once per thought'),
    })
    expect(first!.messages.slice(1)).toEqual([
      { role: 'system', content: 'You plan trips.' },
      { role: 'user', content: 'Plan three days in Porto.' },
    ])
    expect(model.calls[0]!.ctx.metadata).toEqual({ mcpThinkingFor: res.requestId })
    // The real server answered each thought.
    const answer = second!.messages.find((m): m is ToolMessage => m.role === 'tool')!.content[0]!
    expect(JSON.parse(answer.result as string)).toMatchObject({
      thoughtNumber: 1,
      nextThoughtNeeded: true,
      thoughtHistoryLength: 1,
    })
    // The request's own call: its tools, and the thoughts as context after its system prompt.
    expect(main!.tools?.map((t) => t.name)).toEqual(['everything_echo'])
    expect(main!.messages).toEqual([
      { role: 'system', content: 'You plan trips.' },
      {
        role: 'system',
        content: [
          'This request was thought through step by step before this answer:',
          '1. The trip is three days long.',
          '2. Day one should be the old town.',
          'Conclusion: Start with the old town.',
        ].join('\n'),
      },
      { role: 'user', content: 'Plan three days in Porto.' },
    ])
  })

  it('is refused on a request when no thinking server is configured', async () => {
    const model = mockProvider()
    const ai = await createAI({
      plugins: [
        model,
        mcp({ servers: { everything: { command: process.execPath, args: [everythingServer, 'stdio'] } } }),
      ],
      defaultModel: 'mock:mock-model',
    })
    open.push(ai)
    await expect(ai.chat({ messages: [{ role: 'user', content: 'Hi' }], mcpThinking: true })).rejects.toThrow(
      'Invalid chat request: mcpThinking: needs `thinking` in the mcp() options',
    )
    expect(model.calls).toHaveLength(0)
  })
})
