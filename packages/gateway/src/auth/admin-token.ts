import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * A check of the admin token in constant time: both sides are hashed first, so neither the
 * comparison nor the lengths tell an attacker how much of a guess was right.
 */
export function adminTokenCheck(token: string): (candidate: string | undefined) => boolean {
  const expected = digest(token)
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected)
}
