import { estimateTokens, type Message, partsOf, type Scope } from '@aimux/ai-core'
import type { GuardrailsOptions, PromptLimit } from './guardrails-options.js'

/** Why a prompt is blocked: a denied word, or a size over a limit (never the words themselves). */
export type Block =
  | { rule: 'denied-word'; count: number }
  | {
      rule: 'max-prompt'
      /** Which limit: the one for every request, the tenant's or the user's. */
      limit: 'all' | 'tenant' | 'user'
      unit: 'chars' | 'tokens'
      max: number
      size: number
    }

export interface BlockRules {
  readonly empty: boolean
  /** The first rule the prompt breaks, or undefined. */
  check(messages: readonly Message[], scope: Scope): Block | undefined
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The characters a prompt sends: its text, tool arguments and tool results as JSON (images not). */
export function promptChars(messages: readonly Message[]): number {
  let chars = 0
  for (const m of messages)
    for (const part of partsOf(m)) {
      if (part.type === 'text' || part.type === 'reasoning') chars += part.text.length
      else if (part.type === 'tool-call') chars += part.name.length + JSON.stringify(part.args ?? null).length
      else if (part.type === 'tool-result') chars += JSON.stringify(part.result ?? null).length
    }
  return chars
}

/** The text denied words are looked for in: system prompts, user text and tool results. */
function inputText(messages: readonly Message[]): string[] {
  const texts: string[] = []
  for (const m of messages) {
    if (m.role === 'assistant') continue
    for (const part of partsOf(m)) {
      if (part.type === 'text') texts.push(part.text)
      else if (part.type === 'tool-result') texts.push(JSON.stringify(part.result ?? null))
    }
  }
  return texts
}

/**
 * Denied words, matched case-insensitively as whole words (a phrase's words separated by any
 * whitespace), and prompt size limits: for every request, per tenant and per user, each that
 * applies to the request's scope checked (tokens are the core's estimate, about four characters each).
 */
export function createBlockRules(block: GuardrailsOptions['block'] = {}): BlockRules {
  const words = (block.words ?? []).map((w) => w.split(/\s+/).map(escapeRegExp).join('\\s+'))
  const denied =
    words.length > 0
      ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.join('|')})(?![\\p{L}\\p{N}_])`, 'giu')
      : undefined
  const applying = (scope: Scope): { limit: 'all' | 'tenant' | 'user'; value: PromptLimit }[] => {
    const found: { limit: 'all' | 'tenant' | 'user'; value: PromptLimit }[] = []
    if (block.maxPrompt) found.push({ limit: 'all', value: block.maxPrompt })
    const tenant = scope.tenantId === undefined ? undefined : block.maxPromptByTenant?.[scope.tenantId]
    if (tenant) found.push({ limit: 'tenant', value: tenant })
    const user = scope.userId === undefined ? undefined : block.maxPromptByUser?.[scope.userId]
    if (user) found.push({ limit: 'user', value: user })
    return found
  }
  const sized = Boolean(block.maxPrompt || block.maxPromptByTenant || block.maxPromptByUser)
  return {
    empty: !denied && !sized,
    check(messages, scope) {
      if (denied) {
        let count = 0
        for (const text of inputText(messages)) count += text.match(denied)?.length ?? 0
        if (count > 0) return { rule: 'denied-word', count }
      }
      if (!sized) return undefined
      const limits = applying(scope)
      if (limits.length === 0) return undefined
      const chars = promptChars(messages)
      const tokens = messages.reduce((sum, m) => sum + estimateTokens(m), 0)
      for (const { limit, value } of limits) {
        if (value.chars !== undefined && chars > value.chars)
          return { rule: 'max-prompt', limit, unit: 'chars', max: value.chars, size: chars }
        if (value.tokens !== undefined && tokens > value.tokens)
          return { rule: 'max-prompt', limit, unit: 'tokens', max: value.tokens, size: tokens }
      }
      return undefined
    },
  }
}
