import { type Html, html } from './html.js'

/** A message at the top of a page after a change: what was done, or why it was not. */
export interface Notice {
  kind: 'done' | 'error'
  text: string
}

export function noticeBlock(notice: Notice | undefined): Html | string {
  if (!notice) return ''
  return notice.kind === 'error'
    ? html`<p class="notice error" role="alert">${notice.text}</p>`
    : html`<p class="notice" role="status">${notice.text}</p>`
}

/** An error's message for the page: typed aimux errors say what is wrong without secrets. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'The change failed.'
}
