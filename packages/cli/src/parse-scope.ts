import type { Scope } from '@aimux/ai-core'
import { UsageError } from './usage-error.js'

const fields = { user: 'userId', tenant: 'tenantId', project: 'projectId' } as const

/** `user:u1`, `tenant:acme`, `project:p1`, given once each, into a scope. */
export function parseScope(values: readonly string[]): Scope {
  const scope: Scope = {}
  for (const value of values) {
    const at = value.indexOf(':')
    const kind = value.slice(0, at) as keyof typeof fields
    const id = value.slice(at + 1)
    if (at <= 0 || !(kind in fields) || id === '') {
      throw new UsageError(`--scope: '${value}' is not a scope; write user:<id>, tenant:<id> or project:<id>`)
    }
    if (scope[fields[kind]] !== undefined) throw new UsageError(`--scope: ${kind} is given twice`)
    scope[fields[kind]] = id
  }
  return scope
}
