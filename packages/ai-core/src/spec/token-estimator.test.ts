import { describe, expect, it } from 'vitest'
import { normalizeUsage } from '../cost/usage.js'
import type { AimuxEvents } from '../events/events.js'
import { createAI } from '../instance/create-ai.js'
import type { Plugin } from '../instance/plugin.js'
import { estimateTokens, heuristicEstimator, tokenEstimatorFor } from './context-window.js'
import { type Message, textOf } from './message.js'
import {
  defineProvider,
  type ProviderDefinition,
  type ProviderRequest,
  type ProviderResult,
  type TokenEstimator,
} from './provider.js'

const say = (role: 'user' | 'assistant', text: string): Message => ({ role, content: text })

/** A tokenizer that counts one token a character, plus 3 a message and 3 for the reply. */
const perCharacter: TokenEstimator = {
  message: (m) => textOf(m).length + 3,
  prompt: (messages) => messages.reduce((n, m) => n + perCharacter.message(m), 3),
}

function adapter(extras: Partial<ProviderDefinition> = {}) {
  const sent: ProviderRequest[] = []
  const provider = defineProvider({
    id: 'tok',
    async generate(request) {
      sent.push(request)
      const result: ProviderResult = {
        content: [{ type: 'text', text: 'ok' }],
        finishReason: 'stop',
        usage: normalizeUsage({ inputTokens: 1, outputTokens: 1 }),
      }
      return result
    },
    ...extras,
  })
  const plugin: Plugin = { name: 'tok', setup: (host) => host.registerProvider(provider) }
  return { provider, plugin, sent }
}

describe('tokenEstimatorFor', () => {
  it("is the adapter's tokenizer for a model it knows, else four characters a token", () => {
    const { provider } = adapter({ tokenEstimator: (model) => (model === 'gpt' ? perCharacter : undefined) })
    const message = say('user', 'abcdefgh')
    expect(tokenEstimatorFor(provider, 'gpt').message(message)).toBe(11)
    expect(tokenEstimatorFor(provider, 'gpt').prompt([message, message])).toBe(25)
    expect(tokenEstimatorFor(provider, 'other')).toBe(heuristicEstimator)
    expect(tokenEstimatorFor(adapter().provider, 'gpt')).toBe(heuristicEstimator)
  })

  it('never fails a call: a tokenizer that throws is replaced by the heuristic', () => {
    const broken: TokenEstimator = {
      message: () => {
        throw new Error('no ranks')
      },
      prompt: () => {
        throw new Error('no ranks')
      },
    }
    const message = say('user', 'abcdefgh')
    const throwing = adapter({ tokenEstimator: () => broken }).provider
    expect(tokenEstimatorFor(throwing, 'gpt').message(message)).toBe(estimateTokens(message))
    expect(tokenEstimatorFor(throwing, 'gpt').prompt([message])).toBe(estimateTokens(message))
    const refusing = adapter({
      tokenEstimator: () => {
        throw new Error('unknown model')
      },
    }).provider
    expect(tokenEstimatorFor(refusing, 'gpt')).toBe(heuristicEstimator)
  })
})

describe("the core's estimates before a call", () => {
  it("reserve a budget with the adapter's tokenizer count of the prompt", async () => {
    const { plugin } = adapter({ tokenEstimator: () => perCharacter })
    const ai = await createAI({
      plugins: [plugin],
      defaultModel: 'tok:m',
      prices: [{ provider: 'tok', model: 'm', price: { input: 1_000, output: 1_000 } }], // $0.001 a token
      budgets: [{ scope: 'user', limitUsd: 0.001, period: 'day' }],
    })
    const exceeded: AimuxEvents['budget:exceeded'][] = []
    ai.on('budget:exceeded', (e) => void exceeded.push(e))
    const prompt = 'x'.repeat(40) // 40 + 3 + 3 tokens by the tokenizer, 14 by the heuristic
    await expect(
      ai.chat({ messages: [say('user', prompt)], maxOutputTokens: 4, scope: { userId: 'u' } }),
    ).rejects.toMatchObject({ code: 'budget-exceeded' })
    await ai.flush()
    expect(exceeded[0]?.estimatedNanoUsd).toBe((46 + 4) * 1_000_000)
    await ai.close()
  })

  it("trim a conversation's history to the context window with the adapter's tokenizer", async () => {
    const { plugin, sent } = adapter({
      tokenEstimator: () => perCharacter,
      listModels: async () => [{ id: 'm', contextWindow: 200, maxOutputTokens: 100 }],
    })
    const ai = await createAI({ plugins: [plugin], defaultModel: 'tok:m' })
    await ai.models.sync()
    const chat = await ai.conversation()
    // 60 characters: 63 tokens by the tokenizer, 19 by the heuristic. 100 tokens are left for the
    // history: by the heuristic all three messages would fit (19 + 5 + 19 = 43).
    await chat.send('a'.repeat(60))
    await chat.send('b'.repeat(60))
    expect(sent[1]!.messages.map((m) => m.role)).toEqual(['user'])
    expect(sent[1]!.messages[0]).toEqual(say('user', 'b'.repeat(60)))
    await ai.close()
  })
})
