import type { ProviderRequest } from '@aimux/ai-core'
import { expect, it } from 'vitest'
import type { ConformanceTarget } from './provider-conformance-options.js'
import { testContext } from './test-context.js'

/** What the cases share with the rest of {@link providerConformance}. */
export interface CountTokensKit {
  /** The target of the running test. */
  target: () => ConformanceTarget
  request: (overrides?: Partial<ProviderRequest>) => ProviderRequest
  /** A request offering the get_weather and get_time tools. */
  toolRequest: () => ProviderRequest
  source: 'provider' | 'tokenizer'
  tools: boolean
}

/**
 * The cases for a provider that counts a prompt's tokens (`countTokens`): a whole number from
 * the source it claims, without a model call (no scripted turn is taken), that grows with the
 * prompt, its system prompt and its tools, since each is sent with a chat call.
 */
export function countTokensCases(kit: CountTokensKit): void {
  const count = async (request: ProviderRequest) => {
    const { countTokens } = kit.target().provider
    expect(countTokens, 'the provider has countTokens').toBeTypeOf('function')
    const counted = await countTokens!.call(kit.target().provider, request, testContext())
    expect(counted).toBeDefined()
    expect(counted!.source).toBe(kit.source)
    expect(typeof counted!.exact).toBe('boolean')
    expect(Number.isInteger(counted!.inputTokens)).toBe(true)
    expect(counted!.inputTokens).toBeGreaterThan(0)
    return counted!.inputTokens
  }

  it('counts a prompt: more tokens for a longer one and for a system prompt, without a model call', async () => {
    const base = await count(kit.request())
    const longer = await count(
      kit.request({ messages: [{ role: 'user', content: 'Hello there, how are you doing today?' }] }),
    )
    const withSystem = await count(
      kit.request({
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello there' },
        ],
      }),
    )
    expect(longer).toBeGreaterThan(base)
    expect(withSystem).toBeGreaterThan(base)
    // A scripted reply left for a model call is still there: counting took none.
    kit.target().script.enqueue({ text: 'still here' })
    const result = await kit.target().provider.generate(kit.request(), testContext())
    expect(result.content).toEqual([{ type: 'text', text: 'still here' }])
  })

  if (kit.tools) {
    it("counts the tools' definitions", async () => {
      expect(await count(kit.toolRequest())).toBeGreaterThan(await count(kit.request()))
    })
  }
}
