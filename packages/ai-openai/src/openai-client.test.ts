import { ConfigError } from '@aimux/ai-core'
import { testContext } from '@aimux/ai-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { openaiClients } from './openai-client.js'

const config = {
  id: 'acme',
  apiKey: 'sk-own-0123456789',
  apiKeyEnv: 'ACME_TEST_KEY',
  baseURL: 'http://127.0.0.1:9/v1',
}
const rotated = { apiKey: 'sk-rotated-0123456789', baseURL: 'http://127.0.0.1:8/v1', headers: { 'x-c': '1' } }

describe('openaiClients', () => {
  const saved = process.env.ACME_TEST_KEY
  afterEach(() => {
    if (saved === undefined) delete process.env.ACME_TEST_KEY
    else process.env.ACME_TEST_KEY = saved
  })

  it('reuses one client for every call with the same chosen credentials', () => {
    const clientFor = openaiClients(config)
    const first = clientFor(testContext({ credentials: { ...rotated } }))
    const second = clientFor(testContext({ credentials: { ...rotated, headers: { 'x-c': '1' } } }))
    expect(second.client).toBe(first.client)
    expect(first.apiKey).toBe(rotated.apiKey)
    expect(first.client.baseURL).toBe(rotated.baseURL)
  })

  it('makes one client per distinct set of credentials, the plugin’s own apart', () => {
    const clientFor = openaiClients(config)
    const own = clientFor(testContext())
    const other = clientFor(testContext({ credentials: rotated }))
    const headersOnly = clientFor(testContext({ credentials: { headers: { 'x-c': '2' } } }))
    expect(own.client).toBe(clientFor(testContext()).client)
    expect(new Set([own.client, other.client, headersOnly.client]).size).toBe(3)
    expect(headersOnly.apiKey).toBe(config.apiKey)
  })

  it('reads the key from the environment at the call, and names the variable when there is none', () => {
    const clientFor = openaiClients({ ...config, apiKey: undefined })
    delete process.env.ACME_TEST_KEY
    expect(() => clientFor(testContext())).toThrowError(ConfigError)
    process.env.ACME_TEST_KEY = 'sk-from-env-0123456789'
    expect(clientFor(testContext()).apiKey).toBe('sk-from-env-0123456789')
  })
})
