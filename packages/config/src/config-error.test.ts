import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fileLabel, formatPath } from './config-error.js'

describe('fileLabel', () => {
  it('names a file inside the working directory relative to it, and any other in full', () => {
    expect(fileLabel(join('/srv/app', 'aimux.config.json'), '/srv/app')).toBe('aimux.config.json')
    expect(fileLabel('/srv/app/conf/prod.json', '/srv/app')).toBe(join('conf', 'prod.json'))
    expect(fileLabel('/etc/aimux/aimux.config.json', '/srv/app')).toBe('/etc/aimux/aimux.config.json')
    expect(fileLabel(undefined, '/srv/app')).toBe('aimux config')
  })
})

describe('formatPath', () => {
  it('writes a zod path as it reads in the file', () => {
    expect(formatPath(['providers', 'openai', 'baseURL'])).toBe('providers.openai.baseURL')
    expect(formatPath(['budgets', 0, 'limitUsd'])).toBe('budgets[0].limitUsd')
    expect(formatPath(['fallbacks', 'openai:gpt-4o', 1])).toBe('fallbacks["openai:gpt-4o"][1]')
    expect(formatPath([])).toBe('(root)')
  })
})
