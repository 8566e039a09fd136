#!/usr/bin/env node
// aimux-gateway: the gateway from a config file. Usage mistakes exit 2, a config or start-up
// error prints one line and exits 1.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { AimuxError } from '@aimux/ai-core'
import { startGateway } from './gateway-from-config.js'

const usage = `Usage: aimux-gateway [--config <file>] [--port <port>] [--host <host>]

An OpenAI-compatible HTTP server in front of the providers, keys, budgets and stores that an
aimux config file describes.

Options:
  -c, --config <file>  the config file (default: aimux.config.json, .mjs or .ts, looked for
                       from the current folder upward)
  -p, --port <port>    the port to listen on (default: the config's gateway.port, else 8787)
  -H, --host <host>    the address to listen on (default: the config's gateway.host, else 127.0.0.1)
  -h, --help           show this help
  -v, --version        show the version

Environment: the admin token in AIMUX_ADMIN_TOKEN (or the variable gateway.adminTokenEnv names),
provider keys and database URLs in the variables the config names; AIMUX_METRICS_TOKEN, when set,
is required as a bearer token by GET /metrics.
`

function fail(message: string, code: number): never {
  process.stderr.write(`aimux-gateway: ${message}\n`)
  process.exit(code)
}

function version(): string {
  const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8')
  return (JSON.parse(manifest) as { version: string }).version
}

let values: { config?: string; port?: string; host?: string; help?: boolean; version?: boolean }
try {
  ;({ values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string', short: 'H' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    strict: true,
    allowPositionals: false,
  }))
} catch (error) {
  fail(`${(error as Error).message}. See aimux-gateway --help.`, 2)
}

if (values.help) {
  process.stdout.write(usage)
  process.exit(0)
}
if (values.version) {
  process.stdout.write(`${version()}\n`)
  process.exit(0)
}
let port: number | undefined
if (values.port !== undefined) {
  port = Number(values.port)
  if (!/^\d+$/.test(values.port) || port > 65_535)
    fail(`--port: expected a port number, got '${values.port}'. See aimux-gateway --help.`, 2)
}
if (values.host === '') fail('--host: expected an address. See aimux-gateway --help.', 2)

try {
  const gateway = await startGateway({
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
  })
  const from = gateway.configPath ? ` (config: ${gateway.configPath})` : ''
  process.stdout.write(`aimux-gateway listening on ${gateway.url}${from}\n`)
} catch (error) {
  // A config, store or listen error: its message, never a stack (nor a secret: aimux masks them).
  const message = AimuxError.is(error) || error instanceof Error ? error.message : String(error)
  fail(message.split('\n')[0] ?? message, 1)
}
