type Leaf = string | number | boolean | bigint | symbol | null | undefined | Date | RegExp

/**
 * A value as it stands while its JSON is still arriving: every property optional at every depth,
 * and an array holding the items that have begun, the last of them maybe partial itself. What an
 * 'object-delta' stream part holds for a request with `schema: z.ZodType<T>`.
 */
export type DeepPartial<T> = T extends Leaf | ((...args: never[]) => unknown)
  ? T
  : T extends readonly (infer Item)[]
    ? DeepPartial<Item>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T
