import { describe, expect, it } from 'vitest'
import { base64Size, contentText } from './content-text.js'
import { toolErrorText, toolResultContent } from './tool-result-content.js'

const png = Buffer.alloc(3000, 7).toString('base64')

describe('tool results for the model', () => {
  it('join the text of every content block, one per line', () => {
    expect(
      toolResultContent({
        content: [
          { type: 'text', text: 'Two files:' },
          { type: 'text', text: 'a.txt, b.txt' },
        ],
      }),
    ).toBe('Two files:\na.txt, b.txt')
  })

  it('describe images and audio by type and size instead of sending their base64 data', () => {
    expect(
      toolResultContent({
        content: [
          { type: 'image', data: png, mimeType: 'image/png' },
          { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        ],
      }),
    ).toBe('[image image/png, 3.0 kB, not shown]\n[audio audio/wav, 3 B, not shown]')
  })

  it('give an embedded text resource its text under its uri, and a binary one a note', () => {
    expect(
      contentText({
        type: 'resource',
        resource: { uri: 'file:///a.md', mimeType: 'text/markdown', text: '# A' },
      }),
    ).toBe('[resource file:///a.md (text/markdown)]\n# A')
    expect(contentText({ type: 'resource', resource: { uri: 'file:///a.pdf', blob: png } })).toBe(
      '[resource file:///a.pdf, 3.0 kB, binary, not shown]',
    )
    expect(contentText({ type: 'resource_link', uri: 'file:///b.txt', name: 'b.txt' })).toBe(
      '[resource link file:///b.txt "b.txt"]',
    )
  })

  it('give structured content when there is no content to read', () => {
    expect(toolResultContent({ content: [], structuredContent: { temperature: 21 } })).toEqual({
      temperature: 21,
    })
    expect(
      toolResultContent({
        content: [{ type: 'text', text: '{"temperature":21}' }],
        structuredContent: { temperature: 21 },
      }),
    ).toBe('{"temperature":21}')
  })

  it('read the error text of a result that reports isError', () => {
    expect(toolErrorText({ content: [{ type: 'text', text: 'No such file' }], isError: true })).toBe(
      'No such file',
    )
    expect(toolErrorText({ content: [], isError: true })).toBe('the tool reported an error without a message')
  })

  it('measure base64 data in bytes', () => {
    expect(base64Size(Buffer.alloc(999).toString('base64'))).toBe('999 B')
    expect(base64Size(Buffer.alloc(2_500_000).toString('base64'))).toBe('2.5 MB')
  })
})
