import { randomBytes } from 'node:crypto'
import { createMemoryStore } from '@aimux/ai-core'
import { createBackgroundWork } from '@aimux/ai-core/provider-kit'
import { expect, it } from 'vitest'
import { createConnectionState } from './connection-state.js'
import { createCredentialCipher } from './credential-cipher.js'

it('forgets what it keeps for connections no longer stored: a returning bad one is reported again', async () => {
  const store = createMemoryStore().connections
  const cipher = createCredentialCipher(new Map([['v1', randomBytes(32)]]))
  const other = createCredentialCipher(new Map([['v1', randomBytes(32)]]))
  const reports: unknown[] = []
  const retained: string[][] = []
  const state = createConnectionState({
    store,
    cipher,
    configured: new Map(),
    refreshMs: 0,
    writes: createBackgroundWork(() => {}, { start: 'now' }),
    onDecrypt: async () => {},
    retain: (ids) => void retained.push([...ids]),
    report: (error) => void reports.push(error),
  })
  // Written under a master key this instance lacks.
  const record = {
    id: 'x',
    provider: 'openai',
    name: 'x',
    ciphertext: other.encrypt({ apiKey: 'sk-test-state-0123456789' }, { id: 'x', provider: 'openai' }),
    priority: 0,
    weight: 1,
    status: 'active' as const,
  }
  await store.upsertConnection(record)
  await state.reload()
  await state.reload()
  expect(reports).toHaveLength(1)
  expect(state.get('x')?.problem?.message).toContain("connection 'x' with master key v1")

  await store.deleteConnection('x')
  await state.reload()
  await store.upsertConnection(record)
  await state.reload()
  expect(reports).toHaveLength(2)
  expect(retained).toEqual([['x'], ['x'], [], ['x']])
})
