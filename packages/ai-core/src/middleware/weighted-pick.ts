/**
 * Picks one item at random in proportion to its weight (positive numbers): with weights 3 and 1,
 * the first three times in four. `random` returns a number in [0, 1), as Math.random does.
 * Undefined only for no items.
 */
export function weightedPick<T>(
  items: readonly T[],
  weightOf: (item: T) => number,
  random: () => number = Math.random,
): T | undefined {
  let point = random() * items.reduce((sum, item) => sum + weightOf(item), 0)
  for (const item of items) {
    point -= weightOf(item)
    if (point < 0) return item
  }
  return items[items.length - 1]
}
