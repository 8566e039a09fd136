// The things measured side by side: the raw openai SDK and aimux in three configurations.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type AI, type CreateAIOptions, createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { sqliteStore } from '@aimux/store-sqlite'
import OpenAI from 'openai'

export const messages = [{ role: 'user' as const, content: 'Say hello.' }]

export function rawClient(baseURL: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-bench', baseURL, maxRetries: 0 })
}

export const rawChat = (client: OpenAI) => () =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages })

export const aimuxChat = (ai: AI) => () =>
  ai.chat({ model: 'openai:gpt-4o-mini', messages, scope: { userId: 'u1', tenantId: 't1' } })

export type Config = 'no store' | 'SQLite' | 'SQLite + budgets + rate limits'
export const configs: Config[] = ['no store', 'SQLite', 'SQLite + budgets + rate limits']

export function sqlitePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'aimux-bench-')), 'bench.db')
}

/** The third configuration's budget (hard, with thresholds) and rate limit (never reached). */
export const guards: CreateAIOptions = {
  budgets: [{ scope: 'user', limitUsd: 1_000_000, period: 'month', thresholds: [0.8, 1] }],
  rateLimits: { rules: [{ scope: 'user', requestsPerMinute: 1e9, tokensPerMinute: 1e12 }] },
}

export async function aimux(config: Config, baseURL: string, extra: CreateAIOptions = {}): Promise<AI> {
  const plugins = [openai({ apiKey: 'sk-bench', baseURL })]
  if (config !== 'no store') plugins.push(sqliteStore({ path: sqlitePath() }))
  return createAI({ plugins, ...(config === 'SQLite + budgets + rate limits' ? guards : {}), ...extra })
}
