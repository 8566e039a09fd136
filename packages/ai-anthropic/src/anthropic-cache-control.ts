import { type ProviderMetadata, ValidationError } from '@aimux/ai-core'
import type Anthropic from '@anthropic-ai/sdk'
import { z } from 'zod'

/** How many cache breakpoints one request may set, the top-level automatic one included. */
export const MAX_CACHE_BREAKPOINTS = 4

const cacheControlSchema = z.strictObject({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
})

/**
 * The cache breakpoint a part (or tool, or system message) asks for in
 * `providerMetadata.anthropic.cacheControl`, as the API's `cache_control`; undefined without one.
 * `where` names the part in the error for a malformed one ("messages[1].content[0]").
 */
export function cacheControlOf(
  metadata: ProviderMetadata | undefined,
  where: string,
): Anthropic.CacheControlEphemeral | undefined {
  const value = metadata?.anthropic?.cacheControl
  if (value === undefined) return undefined
  const parsed = cacheControlSchema.safeParse(value)
  if (parsed.success) return parsed.data
  const path = `${where}.providerMetadata.anthropic.cacheControl`
  const issues = parsed.error.issues.map((issue) => ({
    path: [path, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }))
  const error = new ValidationError(
    `Invalid anthropic request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')} (expected { type: 'ephemeral', ttl?: '5m' | '1h' })`,
  )
  error.issues = issues
  throw error
}

/** `cache_control` set to the block when there is one, else the block as it is. */
export function withCacheControl<B extends object>(
  block: B,
  cacheControl: Anthropic.CacheControlEphemeral | undefined,
): B {
  return cacheControl ? { ...block, cache_control: cacheControl } : block
}

interface Cacheable {
  cache_control?: Anthropic.CacheControlEphemeral | null
}

/**
 * Counts the request's cache breakpoints (system blocks, tools, message blocks and the top-level
 * automatic one) and refuses more than the API takes with a ValidationError, before anything is
 * sent.
 */
export function checkCacheBreakpoints(params: {
  system?: string | readonly Cacheable[] | undefined
  tools?: readonly unknown[] | undefined
  messages: readonly { content: string | readonly unknown[] }[]
  cache_control?: Anthropic.CacheControlEphemeral | null | undefined
}): void {
  const blocks = [
    ...(typeof params.system === 'string' ? [] : (params.system ?? [])),
    ...(params.tools ?? []),
    ...params.messages.flatMap((message) => (typeof message.content === 'string' ? [] : message.content)),
  ] as Cacheable[]
  const count = blocks.filter((block) => block.cache_control).length + (params.cache_control ? 1 : 0)
  if (count > MAX_CACHE_BREAKPOINTS) {
    throw new ValidationError(
      `Invalid anthropic request: ${count} cache breakpoints (cacheControl on parts, system messages and tools, plus providerOptions.anthropic.cache_control); Anthropic takes at most ${MAX_CACHE_BREAKPOINTS}`,
    )
  }
}
