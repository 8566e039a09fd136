import { ConfigError } from '@aimux/ai-core'
import { describe, expect, it } from 'vitest'
import { nameTools, toolName } from './tool-name.js'

describe('tool names', () => {
  it('are <server>_<tool>, with what providers refuse replaced by underscores', () => {
    expect(toolName('files', 'read_file')).toBe('files_read_file')
    expect(toolName('everything', 'get-sum')).toBe('everything_get-sum')
    expect(toolName('docs', 'search.pages/v2 beta')).toBe('docs_search_pages_v2_beta')
  })

  it('refuse two tools that end up with the same name, naming both', () => {
    const refs = [
      { server: 'docs', tool: 'read.page' },
      { server: 'docs', tool: 'read_page' },
    ]
    expect(() => nameTools(refs)).toThrow(ConfigError)
    expect(() => nameTools(refs)).toThrow(
      "MCP tools 'read.page' of server 'docs' and 'read_page' of server 'docs' would both be named 'docs_read_page'",
    )
    expect(() =>
      nameTools([
        { server: 'a_b', tool: 'c' },
        { server: 'a', tool: 'b_c' },
      ]),
    ).toThrow(/'a_b_c'/)
  })

  it('refuse a name longer than 64 characters', () => {
    const tool = 'x'.repeat(60)
    expect(nameTools([{ server: 'ab', tool }]).has(`ab_${tool}`)).toBe(true)
    expect(() => nameTools([{ server: 'abcd', tool }])).toThrow(
      `MCP tool '${tool}' of server 'abcd' would be named 'abcd_${tool}', longer than the 64 characters providers accept`,
    )
  })
})
