import { createAI, type Plugin } from '@aimux/ai-core'
import { mockProvider } from '@aimux/ai-testing'
import { guardrails } from '@aimux/guardrails'
import { describe, expect, it } from 'vitest'
import { audit, sha256Hex } from './index.js'

const EMAIL = 'jane.doe@example.com'
const CARD = '4111 1111 1111 1111'

async function setup(order: (a: Plugin, g: Plugin) => Plugin[]) {
  const mock = mockProvider()
  const plugins = order(audit({ content: 'full' }), guardrails({ redact: { email: 'mask', card: 'refuse' } }))
  const ai = await createAI({ plugins: [mock, ...plugins], defaultModel: 'mock:mock-model' })
  return { mock, ai }
}

describe('audit with guardrails', () => {
  for (const [name, order] of [
    ['audit first', (a: Plugin, g: Plugin) => [a, g]],
    ['guardrails first', (a: Plugin, g: Plugin) => [g, a]],
  ] as const) {
    it(`hashes and keeps the redacted prompt, as sent (${name})`, async () => {
      const { mock, ai } = await setup(order)
      mock.enqueue({ text: 'Noted.' })
      await ai.chat({ messages: [{ role: 'user', content: `Write to ${EMAIL}` }] })
      const [record] = (await ai.audit.query()).items
      const sent = { messages: [{ role: 'user', content: 'Write to [EMAIL]' }], tools: [] }
      expect(mock.calls[0]!.request.messages).toEqual(sent.messages)
      expect(record!.promptSha256).toBe(sha256Hex(sent))
      expect(JSON.stringify(record)).not.toContain(EMAIL)
      await ai.close()
    })
  }

  it('records a request guardrails refuse when audit comes first, with no prompt kept', async () => {
    const { mock, ai } = await setup((a, g) => [a, g])
    await expect(ai.chat({ messages: [{ role: 'user', content: `Card ${CARD}` }] })).rejects.toMatchObject({
      code: 'content-filter',
    })
    expect(mock.calls).toHaveLength(0)
    const { items } = await ai.audit.query()
    expect(items).toMatchObject([{ outcome: 'error', errorCode: 'content-filter' }])
    expect(items[0]!.content).toBeUndefined()
    expect(JSON.stringify(items[0])).not.toContain(CARD)
    await ai.close()
  })

  it('misses a request guardrails refuse when guardrails come first: their hook stops the rest', async () => {
    const { ai } = await setup((a, g) => [g, a])
    await expect(ai.chat({ messages: [{ role: 'user', content: `Card ${CARD}` }] })).rejects.toMatchObject({
      code: 'content-filter',
    })
    expect((await ai.audit.query()).items).toEqual([])
    await ai.close()
  })
})
