import type { ProviderStreamPart } from '@aimux/ai-core'
import {
  anthropicProtocol,
  createFakeServer,
  type FakeServer,
  rewriteReplies,
  testContext,
  type WireFrame,
  type WireProtocol,
} from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { anthropicAdapter } from './anthropic.js'

// Blocks whose content comes whole in content_block_start (redacted thinking) or starts there
// (text): the fake server's protocol, with its answers rewritten as the API can send them.
const apiKey = 'sk-ant-api03-test0123456789abcdef'
const redactedData = 'EmwKAhgBEgy3va3pzix'
const ask = { model: 'claude-opus-5-5', messages: [{ role: 'user' as const, content: 'Hello' }] }

interface Rewrite {
  content?: (blocks: Record<string, unknown>[]) => Record<string, unknown>[]
  frames?: (frames: WireFrame[]) => WireFrame[]
}

function rewritten({ content = (blocks) => blocks, frames = (all) => all }: Rewrite): WireProtocol {
  return rewriteReplies(anthropicProtocol(), (response) => {
    if (response.type === 'stream') return { ...response, frames: frames(response.frames) }
    const body = response.body as { content: Record<string, unknown>[] }
    return { ...response, body: { ...body, content: content(body.content) } }
  })
}

/** The thinking block the fake server sends, as a redacted_thinking block. */
const redacted: Rewrite = {
  content: (blocks) =>
    blocks.map((block) =>
      block.type === 'thinking' ? { type: 'redacted_thinking', data: redactedData } : block,
    ),
  frames: (frames) =>
    frames
      .filter((frame) => !/"type": "(thinking|signature)_delta"/.test(frame.data))
      .map((frame) =>
        frame.data.includes('"content_block": {"type": "thinking"')
          ? {
              data: `event: content_block_start\ndata: ${JSON.stringify({
                type: 'content_block_start',
                index: 0,
                content_block: { type: 'redacted_thinking', data: redactedData },
              })}\n\n`,
            }
          : frame,
      ),
}

async function collect(stream: AsyncIterable<ProviderStreamPart>) {
  const parts: ProviderStreamPart[] = []
  for await (const part of stream) parts.push(part)
  return parts
}

let server: FakeServer | undefined
afterEach(() => server?.close())

async function adapterFor(rewrite: Rewrite) {
  server = await createFakeServer(rewritten(rewrite))
  return { server, adapter: anthropicAdapter({ apiKey, baseURL: server.url }) }
}

describe('anthropic redacted thinking', () => {
  it('returns a redacted_thinking block as reasoning with no text and its data', async () => {
    const { server, adapter } = await adapterFor(redacted)
    server.enqueue({ reasoning: 'hidden', text: 'Done.' })
    const result = await adapter.generate(ask, testContext())
    expect(result.content).toEqual([
      { type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData } } },
      { type: 'text', text: 'Done.' },
    ])
  })

  it('streams a redacted_thinking block as a reasoning delta with no text and its data', async () => {
    const { server, adapter } = await adapterFor(redacted)
    server.enqueue({ reasoning: 'hidden', chunks: ['Do', 'ne.'] })
    const parts = await collect(adapter.stream(ask, testContext()))
    expect(parts.slice(0, 3)).toEqual([
      { type: 'reasoning-delta', text: '', providerMetadata: { anthropic: { redactedData } } },
      { type: 'text-delta', text: 'Do' },
      { type: 'text-delta', text: 'ne.' },
    ])
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
  })
})

describe('anthropic text in content_block_start', () => {
  it('streams the text a text block starts with before its deltas', async () => {
    const { server, adapter } = await adapterFor({
      frames: (frames) =>
        frames.map((frame) => ({
          ...frame,
          data: frame.data.replace('{"type": "text", "text": "", ', '{"type": "text", "text": "Hello", '),
        })),
    })
    server.enqueue({ chunks: [' there', '!'] })
    const parts = await collect(adapter.stream(ask, testContext()))
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' there' },
      { type: 'text-delta', text: '!' },
    ])
  })
})
