import { describe, expect, it } from 'vitest'
import { createBackgroundWork } from './background-work.js'

describe('createBackgroundWork', () => {
  it('resolves a task once it has settled, and reports a failure instead of throwing it', async () => {
    const reported: string[] = []
    const work = createBackgroundWork((source, error) => reported.push(`${source}: ${String(error)}`))
    let done = false
    await work.run('ok', async () => {
      await new Promise((resolve) => setImmediate(resolve))
      done = true
    })
    expect(done).toBe(true)
    await expect(work.run('write', () => Promise.reject(new Error('disk full')))).resolves.toBeUndefined()
    expect(reported).toEqual(['write: Error: disk full'])
    expect(work.idle).toBe(true)
  })

  it('starts a task on a later turn by default, and on the next microtask when asked to start now', async () => {
    const order: string[] = []
    const later = createBackgroundWork(() => {})
    const now = createBackgroundWork(() => {}, { start: 'now' })
    const ran = [later.run('later', () => order.push('later')), now.run('now', () => order.push('now'))]
    await Promise.resolve()
    await Promise.resolve()
    order.push('caller')
    await Promise.all(ran)
    expect(order).toEqual(['now', 'caller', 'later'])
  })

  it('flushes tasks started by the tasks it waits for', async () => {
    const work = createBackgroundWork(() => {}, { start: 'now' })
    let inner = false
    void work.run('outer', () => {
      void work.run('inner', async () => {
        await new Promise((resolve) => setImmediate(resolve))
        inner = true
      })
    })
    expect(work.idle).toBe(false)
    await work.flush()
    expect(inner).toBe(true)
    expect(work.idle).toBe(true)
  })
})
