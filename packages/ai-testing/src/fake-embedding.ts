import { createHash } from 'node:crypto'

/**
 * The vector the fake servers answer for a text: `dimensions` numbers from the SHA-256 of the
 * text, each a multiple of 1/128 in [-1, 1), so that a float32 carries it exactly (OpenAI's
 * base64 encoding) and a test can compute the vector it expects.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector: number[] = []
  for (let block = 0; vector.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest()
    for (const byte of digest) {
      if (vector.length === dimensions) break
      vector.push((byte - 128) / 128)
    }
  }
  return vector
}
