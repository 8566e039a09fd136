import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'

/** A piece of server-rendered HTML; values interpolated with `html` are escaped. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>

/**
 * Data for the page's script (a chart's series), as a JSON block the browser never executes.
 * `<` is escaped so that no value can close the script element.
 */
export function jsonData(id: string, data: unknown): Html {
  const json = JSON.stringify(data).replace(/</g, '\\u003c')
  return html`<script type="application/json" id="${id}">${raw(json)}</script>`
}

export { html, raw }
