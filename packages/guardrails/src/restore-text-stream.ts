import type { PlaceholderVault } from './placeholder-vault.js'

/** Puts placeholders back into text that arrives in pieces. */
export interface TextRestorer {
  /** The restored text that can be passed on now; a possible start of a placeholder is held back. */
  push(delta: string): string
  /** Whatever is held back, as it is: the stream ended or something else comes next. */
  flush(): string
}

/**
 * A restorer for one stream of deltas. It holds back only a tail that could still become one of
 * the vault's placeholders (`<<EMA` of `<<EMAIL_1>>`), so what it holds is always shorter than the
 * longest placeholder: the buffering window. Everything before that tail is passed on at once.
 */
export function createTextRestorer(vault: PlaceholderVault): TextRestorer {
  let held = ''
  return {
    push(delta) {
      const text = held + delta
      const tokens = vault.tokens
      let cut = text.length
      for (let i = Math.max(0, text.length - vault.longest + 1); i < text.length; i++) {
        if (text[i] !== '<') continue
        const tail = text.slice(i)
        if (tokens.some((t) => t.length > tail.length && t.startsWith(tail))) {
          cut = i
          break
        }
      }
      held = text.slice(cut)
      return vault.restore(text.slice(0, cut))
    },
    flush() {
      const rest = held
      held = ''
      return rest
    },
  }
}
