import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Hono } from 'hono'
import { DASHBOARD_CSS } from './dashboard-css.js'
import { DASHBOARD_SCRIPT } from './dashboard-script.js'

const require = createRequire(import.meta.url)

/** uPlot's files, read once from the installed package (a dependency): no CDN, works offline. */
const uplotFiles = {
  'uPlot.iife.min.js': 'text/javascript; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
} as const

let uplotDir: string | undefined
const fromUplot = async (name: keyof typeof uplotFiles) => {
  uplotDir ??= join(dirname(require.resolve('uplot/package.json')), 'dist')
  return readFile(join(uplotDir, name), 'utf8')
}

/**
 * The dashboard's static files: its stylesheet and script, and the charting library. They hold no
 * data, so they are served without a session (the login page needs the stylesheet).
 */
export function assetRoutes(): Hono {
  const cache = new Map<string, Promise<string>>()
  const once = (name: string, load: () => Promise<string>) => {
    let body = cache.get(name)
    if (!body) {
      body = load()
      cache.set(name, body)
      body.catch(() => cache.delete(name))
    }
    return body
  }
  const app = new Hono()
  const serve = (type: string, body: string) =>
    new Response(body, {
      headers: {
        'content-type': type,
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      },
    })
  app.get('/dashboard.css', () => serve('text/css; charset=utf-8', DASHBOARD_CSS))
  app.get('/dashboard.js', () => serve('text/javascript; charset=utf-8', DASHBOARD_SCRIPT))
  for (const [name, type] of Object.entries(uplotFiles)) {
    app.get(`/${name}`, async () =>
      serve(type, await once(name, () => fromUplot(name as keyof typeof uplotFiles))),
    )
  }
  return app
}
