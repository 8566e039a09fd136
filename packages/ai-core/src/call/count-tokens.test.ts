import { describe, expect, it } from 'vitest'
import { emptyUsage } from '../cost/usage.js'
import {
  AbortedError,
  ClosedError,
  ProviderError,
  UnknownModelError,
  UnknownProviderError,
  ValidationError,
} from '../errors/errors.js'
import { createAI } from '../instance/create-ai.js'
import type { Plugin } from '../instance/plugin.js'
import type { CallContext } from '../spec/call-context.js'
import {
  defineProvider,
  type ProviderDefinition,
  type ProviderRequest,
  type ProviderResult,
} from '../spec/provider.js'

const ok: ProviderResult = { content: [], finishReason: 'stop', usage: emptyUsage() }

/** A provider plugin with the given extras (countTokens, tokenEstimator). */
function provider(id: string, extras: Partial<ProviderDefinition> = {}): Plugin {
  const adapter = defineProvider({ id, generate: async () => ok, ...extras })
  return { name: id, setup: (host) => host.registerProvider(adapter) }
}

const hello = { messages: [{ role: 'user' as const, content: 'Hello there' }] }

describe('ai.countTokens', () => {
  it("hands the adapter the request as a chat call would send it, and answers with the adapter's count", async () => {
    const seen: { request: ProviderRequest; ctx: CallContext }[] = []
    const ai = await createAI({
      plugins: [
        provider('counting', {
          async countTokens(request, ctx) {
            seen.push({ request, ctx })
            return { inputTokens: 42, exact: true, source: 'provider' }
          },
        }),
      ],
      aliases: { fast: 'counting:model-a' },
    })
    const weather = { name: 'weather', description: 'Weather', parameters: { type: 'object' } }
    const counted = await ai.countTokens({
      model: 'fast',
      system: 'Be brief.',
      ...hello,
      tools: [weather],
      maxOutputTokens: 10,
      requestId: 'count-1',
      scope: { userId: 'u1' },
    })
    expect(counted).toEqual({
      inputTokens: 42,
      exact: true,
      source: 'provider',
      provider: 'counting',
      model: 'model-a',
    })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.request).toEqual({
      model: 'model-a',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      tools: [{ name: 'weather', description: 'Weather', parameters: { type: 'object' } }],
      maxOutputTokens: 10,
    })
    expect(seen[0]!.ctx).toMatchObject({ requestId: 'count-1', scope: { userId: 'u1' } })
    expect(seen[0]!.ctx.signal.aborted).toBe(false)
    await ai.close()
  })

  it('falls back to four characters a token, not exact, for a provider without a counter', async () => {
    const ai = await createAI({ plugins: [provider('plain')], defaultModel: 'plain:m' })
    // 'Be brief.' and 'Hello there': ceil(9 / 4) + 4 and ceil(11 / 4) + 4.
    expect(await ai.countTokens({ system: 'Be brief.', ...hello })).toEqual({
      inputTokens: 7 + 7,
      exact: false,
      source: 'estimate',
      provider: 'plain',
      model: 'm',
    })
    await ai.close()
  })

  it("uses the adapter's local tokenizer, not exact, when its counter cannot count for the model", async () => {
    const ai = await createAI({
      plugins: [
        provider('local', {
          countTokens: async () => undefined,
          tokenEstimator: (model) =>
            model === 'known'
              ? {
                  message: () => 10,
                  prompt: (messages, tools) => messages.length * 10 + (tools?.length ?? 0),
                }
              : undefined,
        }),
      ],
    })
    const tool = { name: 't', parameters: { type: 'object' } }
    expect(await ai.countTokens({ model: 'local:known', ...hello, tools: [tool] })).toEqual({
      inputTokens: 11,
      exact: false,
      source: 'tokenizer',
      provider: 'local',
      model: 'known',
    })
    expect(await ai.countTokens({ model: 'local:other', ...hello })).toMatchObject({
      inputTokens: 7,
      source: 'estimate',
    })
    await ai.close()
  })

  it('names the registered providers for an unknown one, and the field for an invalid request', async () => {
    const ai = await createAI({ plugins: [provider('plain')] })
    const unknown = await ai.countTokens({ model: 'nope:m', ...hello }).catch((e: unknown) => e)
    expect(unknown).toBeInstanceOf(UnknownProviderError)
    expect((unknown as Error).message).toBe(
      "Unknown provider 'nope' in model 'nope:m'. Registered providers: plain.",
    )
    const invalid = await ai.countTokens({ model: 'plain:m', messages: [] }).catch((e: unknown) => e)
    expect(invalid).toBeInstanceOf(ValidationError)
    expect((invalid as Error).message).toContain('messages')
    await ai.close()
  })

  it("passes the adapter's typed error on, and types any other with the request, provider and model", async () => {
    const ai = await createAI({
      plugins: [
        provider('typed', {
          countTokens: async (request) => {
            throw new UnknownModelError(`model: ${request.model}`, {
              provider: 'typed',
              model: request.model,
            })
          },
        }),
        provider('untyped', {
          countTokens: async () => {
            throw new Error('socket hang up')
          },
        }),
      ],
    })
    const missing = await ai.countTokens({ model: 'typed:gone', ...hello, requestId: 'r1' }).catch((e) => e)
    expect(missing).toBeInstanceOf(UnknownModelError)
    expect(missing).toMatchObject({ message: 'model: gone', requestId: 'r1', model: 'gone' })
    const other = await ai.countTokens({ model: 'untyped:m', ...hello, requestId: 'r2' }).catch((e) => e)
    expect(other).toBeInstanceOf(ProviderError)
    expect(other).toMatchObject({ requestId: 'r2', provider: 'untyped', model: 'm' })
    await ai.close()
  })

  it("stops a counting call when the caller's signal aborts", async () => {
    const ai = await createAI({
      plugins: [
        provider('slow', {
          countTokens: (_request, ctx) =>
            new Promise((_resolve, reject) => {
              ctx.signal.addEventListener('abort', () => reject(new AbortedError('aborted')), { once: true })
            }),
        }),
      ],
    })
    const controller = new AbortController()
    const counting = ai.countTokens({ model: 'slow:m', ...hello, signal: controller.signal })
    controller.abort()
    await expect(counting).rejects.toBeInstanceOf(AbortedError)
    await ai.close()
  })

  it('is waited for by close(), and refused once the instance is closed', async () => {
    let finish!: () => void
    const ai = await createAI({
      plugins: [
        provider('held', {
          countTokens: () =>
            new Promise((resolve) => {
              finish = () => resolve({ inputTokens: 3, exact: true, source: 'provider' })
            }),
        }),
      ],
    })
    const counting = ai.countTokens({ model: 'held:m', ...hello })
    let closed = false
    const closing = ai.close().then(() => {
      closed = true
    })
    await Promise.resolve()
    expect(closed).toBe(false)
    finish()
    expect(await counting).toMatchObject({ inputTokens: 3 })
    await closing
    await expect(ai.countTokens({ model: 'held:m', ...hello })).rejects.toBeInstanceOf(ClosedError)
  })
})
