import type { VirtualKey } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { type ChatCompletionRequest, chatCompletionRequestSchema } from './chat-completion-request.js'
import { toAimuxRequest } from './to-aimux-request.js'

const parse = (body: unknown): ChatCompletionRequest => chatCompletionRequestSchema.parse(body)
const signal = new AbortController().signal
const key: VirtualKey = {
  id: 'vk_1',
  hash: 'h',
  prefix: 'sk-aimux-abcd',
  scope: { tenantId: 't1' },
  limits: { budgets: [{ limitUsd: 5, period: 'day' }], tokensPerMinute: 1000 },
  createdAt: new Date(0),
}

describe('toAimuxRequest', () => {
  it('translates messages, settings and the key into an aimux request', () => {
    const request = toAimuxRequest(
      parse({
        model: 'fast',
        messages: [
          {
            role: 'developer',
            content: [
              { type: 'text', text: 'Be brief.' },
              { type: 'text', text: 'Be kind.' },
            ],
          },
          { role: 'user', name: 'ann', content: 'Hi' },
          { role: 'assistant', content: [{ type: 'refusal', refusal: 'No.' }], refusal: 'No.' },
          { role: 'user', content: 'Please' },
        ],
        max_tokens: 20,
        reasoning_effort: 'low',
        stop: 'END',
        user: 'end-user-7',
        response_format: { type: 'json_object' },
      }),
      { caller: { kind: 'key', key }, requestId: 'r1', signal, timeoutMs: 30_000 },
    )
    expect(request).toMatchObject({
      model: 'fast',
      messages: [
        { role: 'system', content: 'Be brief.\nBe kind.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Please' },
      ],
      maxOutputTokens: 20,
      reasoning: { effort: 'low' },
      stop: 'END',
      requestId: 'r1',
      signal,
      timeout: { totalMs: 30_000 },
      scope: { tenantId: 't1' },
      limits: { key: 'vk_1', budgets: [{ limitUsd: 5, period: 'day' }], tokensPerMinute: 1000 },
      metadata: { user: 'end-user-7', virtualKeyId: 'vk_1' },
      responseFormat: { type: 'json' },
    })
    expect(request.schema).toBeUndefined()
  })

  it('gives the admin caller no scope, limits or key id', () => {
    const request = toAimuxRequest(
      parse({ model: 'openai:gpt-4o', messages: [{ role: 'user', content: 'Hi' }] }),
      {
        caller: { kind: 'admin' },
        requestId: 'r2',
        signal,
        timeoutMs: undefined,
      },
    )
    expect(request).not.toHaveProperty('scope')
    expect(request).not.toHaveProperty('limits')
    expect(request).not.toHaveProperty('metadata')
    expect(request).not.toHaveProperty('timeout')
  })

  it('keeps a client tool without parameters callable with no arguments', () => {
    const request = toAimuxRequest(
      parse({
        model: 'openai:gpt-4o',
        messages: [{ role: 'user', content: 'What time is it?' }],
        tools: [{ type: 'function', function: { name: 'now' } }],
        tool_choice: 'required',
      }),
      { caller: { kind: 'admin' }, requestId: 'r3', signal, timeoutMs: undefined },
    )
    expect(request.tools).toEqual([{ name: 'now', parameters: { type: 'object', properties: {} } }])
    expect(request.toolChoice).toBe('required')
  })
})
