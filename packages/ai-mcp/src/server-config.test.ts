import { redactSecrets } from '@aimux/ai-core/provider-kit'
import { describe, expect, it } from 'vitest'
import { secretsOf } from './server-config.js'

describe('secretsOf', () => {
  it('masks a header’s token also where a message quotes it without its scheme', () => {
    const secrets = secretsOf({
      url: 'https://user:pass-1234@example.com/mcp?key=query-secret',
      headers: { Authorization: 'Bearer ghp_team42', 'X-Basic': 'basic dXNlcjpwdw==', 'X-Key': 'plain-key' },
    })
    expect(
      redactSecrets(
        'token ghp_team42 refused; dXNlcjpwdw== unknown; plain-key, pass-1234 and query-secret too',
        secrets,
      ),
    ).toBe('token [redacted] refused; [redacted] unknown; [redacted], [redacted] and [redacted] too')
  })

  it('are a stdio server’s env values', () => {
    expect(secretsOf({ command: 'x', env: { TOKEN: 'tok-1' } })).toEqual(['tok-1'])
  })
})
