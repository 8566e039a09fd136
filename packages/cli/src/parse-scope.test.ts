import { describe, expect, it } from 'vitest'
import { parseScope } from './parse-scope.js'

describe('parseScope', () => {
  it('reads user, tenant and project', () => {
    expect(parseScope(['user:u1', 'tenant:acme', 'project:p:1'])).toEqual({
      userId: 'u1',
      tenantId: 'acme',
      projectId: 'p:1',
    })
    expect(parseScope([])).toEqual({})
  })

  it.each([['u1'], ['team:x'], ['user:'], [':u1']])('refuses %j', (value) => {
    expect(() => parseScope([value])).toThrow(`--scope: '${value}' is not a scope`)
  })

  it('refuses a kind given twice', () => {
    expect(() => parseScope(['user:a', 'user:b'])).toThrow('--scope: user is given twice')
  })
})
