import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test/temp-dir.js'
import { findConfigFile } from './config-files.js'

describe('findConfigFile', () => {
  it('finds the nearest config file, walking up from the folder given', async () => {
    const root = await tempDir({ 'aimux.config.ts': '', 'a/aimux.config.mjs': '', 'a/b/c/.keep': '' })
    expect(await findConfigFile(join(root, 'a', 'b', 'c'))).toBe(join(root, 'a', 'aimux.config.mjs'))
    expect(await findConfigFile(root)).toBe(join(root, 'aimux.config.ts'))
  })

  it('prefers .json, then .mjs, then .ts within one folder', async () => {
    const both = await tempDir({ 'aimux.config.ts': '', 'aimux.config.mjs': '' })
    expect(await findConfigFile(both)).toBe(join(both, 'aimux.config.mjs'))
    const all = await tempDir({ 'aimux.config.ts': '', 'aimux.config.mjs': '', 'aimux.config.json': '{}' })
    expect(await findConfigFile(all)).toBe(join(all, 'aimux.config.json'))
  })

  it('skips a folder of that name', async () => {
    const root = await tempDir({ 'aimux.config.ts': '', 'sub/aimux.config.json/.keep': '' })
    expect(await findConfigFile(join(root, 'sub'))).toBe(join(root, 'aimux.config.ts'))
  })
})
