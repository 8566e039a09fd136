import { expect, it } from 'vitest'
import { StoreError, ValidationError } from '../../errors/errors.js'
import { withStoreErrors } from './with-store-errors.js'

it('turns a database failure into a StoreError naming the store and the method', async () => {
  const failure = new Error('database is locked')
  const port = withStoreErrors(
    {
      async getUsage(id: string): Promise<string> {
        if (id === 'x') throw failure
        return id
      },
    },
    'test store',
  )
  expect(await port.getUsage('a')).toBe('a')
  const error = await port.getUsage('x').catch((e: unknown) => e)
  expect(StoreError.is(error)).toBe(true)
  expect(error).toMatchObject({ message: 'test store: getUsage failed: database is locked', cause: failure })
})

it('lets aimux errors through as they are', async () => {
  const invalid = new ValidationError('bad input')
  const port = withStoreErrors(
    {
      async run(): Promise<void> {
        throw invalid
      },
    },
    'test store',
  )
  await expect(port.run()).rejects.toBe(invalid)
})
