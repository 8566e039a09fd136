import type { EmbedResult } from '@aimux/ai-core'

export interface EmbeddingsResponse {
  object: 'list'
  data: { object: 'embedding'; index: number; embedding: number[] | string }[]
  model: string
  usage: { prompt_tokens: number; total_tokens: number }
}

/**
 * An `ai.embed()` result in OpenAI's shape; `model` is the name the client asked for. With
 * `base64`, each vector is the base64 of its little-endian float32s, as OpenAI sends it (and as
 * its SDKs ask for by default).
 */
export function embeddingsResponse(
  result: EmbedResult,
  model: string,
  format: 'float' | 'base64',
): EmbeddingsResponse {
  return {
    object: 'list',
    data: result.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? float32Base64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
  }
}

function float32Base64(vector: readonly number[]): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4))
  for (const [i, value] of vector.entries()) bytes.setFloat32(i * 4, value, true)
  return Buffer.from(bytes.buffer).toString('base64')
}
