import type { ProviderResult } from '@aimux/ai-core'
import { z } from 'zod'

/** Bumped when the stored form changes: an entry of another format reads as a miss. */
const FORMAT = 1

const count = z.number()
const storedSchema = z.object({
  format: z.literal(FORMAT),
  result: z.looseObject({
    content: z.array(z.looseObject({ type: z.string() })),
    finishReason: z.string(),
    usage: z.looseObject({
      inputTokens: count,
      cachedInputTokens: count,
      cacheWriteTokens: count,
      outputTokens: count,
      reasoningTokens: count,
      totalTokens: count,
    }),
    costNanoUsd: z.number().optional(),
    model: z.string().optional(),
  }),
})

/**
 * A result as JSON. What a provider answers came as JSON, so its content, usage, cost and model
 * come back as they were; `raw` comes back as its JSON form (a Date as its ISO string, a field
 * set to undefined absent), and is left out when it has no JSON form (a BigInt, a cycle).
 * Undefined when the result itself has none.
 */
export function encodeResult(result: ProviderResult): string | undefined {
  try {
    return JSON.stringify({ format: FORMAT, result })
  } catch {}
  const { raw: _raw, ...rest } = result
  try {
    return JSON.stringify({ format: FORMAT, result: rest })
  } catch {
    return undefined
  }
}

/** The result stored as `text`, or undefined when it is not one this version wrote. */
export function decodeResult(text: string): ProviderResult | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const parsed = storedSchema.safeParse(value)
  return parsed.success ? (parsed.data.result as unknown as ProviderResult) : undefined
}
