import { type Html, html } from './html.js'

/** The dashboard's pages, in the order of its navigation. */
export const PAGES = [
  { path: '', label: 'Overview' },
  { path: '/budgets', label: 'Budgets' },
  { path: '/connections', label: 'Connections' },
  { path: '/keys', label: 'Keys' },
  { path: '/models', label: 'Models' },
  { path: '/conversations', label: 'Conversations' },
  { path: '/live', label: 'Live' },
  { path: '/webhooks', label: 'Webhooks', plugin: 'webhooks' },
  { path: '/audit', label: 'Audit', plugin: 'audit' },
] as const

export type PagePath = (typeof PAGES)[number]['path']

/** The optional plugins that add a page: their page is in the navigation only when installed. */
export type PagePlugin = 'webhooks' | 'audit'

/** A hidden form field with the session's CSRF token, for every form that changes something. */
export const csrfField = (token: string): Html => html`<input type="hidden" name="_csrf" value="${token}" />`

function head(base: string, title: string): Html {
  return html`<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="same-origin" />
    <title>${title} · aimux dashboard</title>
    <link rel="stylesheet" href="${base}/assets/uPlot.min.css" />
    <link rel="stylesheet" href="${base}/assets/dashboard.css" />
  </head>`
}

/** A signed-in page: navigation, sign-out, the page's content, and the charting scripts. */
export function layout(options: {
  base: string
  title: string
  active: PagePath | undefined
  csrfToken: string
  body: Html
  /** The optional plugins this instance has; their pages are left out of the navigation otherwise. */
  plugins?: ReadonlySet<PagePlugin>
}): Html {
  const { base, title, active, csrfToken, body, plugins } = options
  const pages = PAGES.filter((page) => !('plugin' in page) || plugins?.has(page.plugin))
  return html`<!doctype html>
<html lang="en">
  ${head(base, title)}
  <body>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="${base}">aimux</a>
      <nav aria-label="Dashboard pages">
        <ul>
          ${pages.map(
            (page) =>
              html`<li><a href="${base}${page.path}"${page.path === active ? html` aria-current="page"` : ''}>${page.label}</a></li>`,
          )}
        </ul>
      </nav>
      <form method="post" action="${base}/logout" class="signout">
        ${csrfField(csrfToken)}<button type="submit">Sign out</button>
      </form>
    </header>
    <main id="main" tabindex="-1">
      <h1>${title}</h1>
      ${body}
    </main>
    <script src="${base}/assets/uPlot.iife.min.js"></script>
    <script src="${base}/assets/dashboard.js"></script>
  </body>
</html>`
}

/** The login form: the one page shown without a session. */
export function loginPage(options: {
  base: string
  next?: string
  error?: string
  disabled?: boolean
}): Html {
  const { base, next, error, disabled } = options
  return html`<!doctype html>
<html lang="en">
  ${head(base, 'Sign in')}
  <body class="login">
    <main id="main">
      <h1>aimux dashboard</h1>
      ${
        disabled
          ? html`<p role="alert" class="error">
              The dashboard is off: start the gateway with an admin token (AIMUX_ADMIN_TOKEN).
            </p>`
          : html`<form method="post" action="${base}/login" class="card">
              ${error ? html`<p role="alert" class="error" id="login-error">${error}</p>` : ''}
              <label for="token">Admin token</label>
              <input id="token" name="token" type="password" autocomplete="current-password" required
                autofocus ${error ? html`aria-describedby="login-error"` : ''} />
              ${next ? html`<input type="hidden" name="next" value="${next}" />` : ''}
              <button type="submit">Sign in</button>
            </form>`
      }
    </main>
  </body>
</html>`
}
