import { createAI, type Tool } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { spanText, telemetry } from '../test/telemetry.js'
import { otel } from './otel.js'

const apiKey = 'sk-test-secret-0123456789abcdef'
const question = 'Tell me the secret recipe for grandma pie'
const answer = 'Flour, butter and a family secret'
const toolArgument = 'private-ledger-4411'
const toolOutput = 'balance 9931 in the private ledger'

const ledger: Tool = {
  name: 'ledger',
  description: 'Reads the ledger',
  parameters: { type: 'object', properties: { account: { type: 'string' } } },
  execute: async () => toolOutput,
}

let t = telemetry()
let server: FakeServer | undefined
afterEach(async () => {
  await server?.close()
  await t.shutdown()
  t = telemetry()
})

/** One tool call and an answer, through the OpenAI adapter against a fake OpenAI server. */
async function run(captureContent?: boolean) {
  server = await createFakeServer(openaiChatProtocol())
  const ai = await createAI({
    plugins: [
      openai({ apiKey, baseURL: `${server.url}/v1` }),
      otel({ tracerProvider: t.tracerProvider, meterProvider: t.meterProvider, captureContent }),
    ],
    defaultModel: 'openai:gpt-4o-mini',
  })
  server.enqueue(
    { toolCalls: [{ id: 'call_1', name: 'ledger', args: { account: toolArgument } }] },
    { text: answer, usage: { inputTokens: 30, outputTokens: 8 } },
  )
  const res = await ai.chat({ messages: [{ role: 'user', content: question }], tools: [ledger] })
  await ai.close()
  return res
}

describe('otel: message content and secrets', () => {
  it('puts no secret and no content on any span by default', async () => {
    const res = await run()
    expect(res.text).toBe(answer)
    const spans = t.finished()
    expect(spans.map((s) => s.name).sort()).toEqual([
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'execute_tool ledger',
    ])
    for (const span of spans) {
      const text = spanText(span)
      for (const hidden of [apiKey, 'sk-test', question, answer, toolArgument, toolOutput])
        expect(text, `${span.name} carries '${hidden}'`).not.toContain(hidden)
    }
    const request = spans.find((s) => s.attributes['aimux.steps'] === 2)!
    expect(request.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0)
  })

  it('puts messages, tool arguments and results on spans with captureContent, never the key', async () => {
    await run(true)
    const spans = t.finished()
    const request = spans.find((s) => s.attributes['aimux.steps'] === 2)!
    expect(JSON.parse(String(request.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: question }] },
    ])
    expect(JSON.parse(String(request.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' },
    ])
    const tool = spans.find((s) => s.name === 'execute_tool ledger')!
    expect(tool.attributes['gen_ai.tool.call.arguments']).toBe(JSON.stringify({ account: toolArgument }))
    expect(tool.attributes['gen_ai.tool.call.result']).toBe(toolOutput)
    const second = spans.find((s) => s.attributes['aimux.step'] === 2)!
    expect(String(second.attributes['gen_ai.input.messages'])).toContain(toolOutput)
    for (const span of spans) expect(spanText(span)).not.toContain(apiKey)
  })
})
