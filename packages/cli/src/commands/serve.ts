import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Command, InvalidArgumentError } from 'commander'
import { examples } from '../examples.js'
import type { GlobalOptions } from '../open-ai.js'
import { print } from '../output.js'

/** What `aimux serve` needs of @aimux/gateway, which is installed apart from the CLI. */
interface GatewayModule {
  startGateway(options: {
    configPath?: string
    cwd?: string
    env?: NodeJS.ProcessEnv
    port?: number
    host?: string
  }): Promise<{ url: string; configPath: string | undefined }>
}

const port = (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number, 0 to 65535.')
  return n
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .summary('start the OpenAI-compatible gateway on this config')
    .description(
      'Start the OpenAI-compatible gateway on the same config file (needs @aimux/gateway installed beside ' +
        'the config or the CLI). Stops on Ctrl-C or SIGTERM after the calls in flight.',
    )
    .option('--port <n>', "the port (default: the config's gateway.port)", port)
    .option('--host <address>', "the address to listen on (default: the config's gateway.host)")
    .action(async (options: { port?: number; host?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const gateway = await importGateway()
      if (!gateway) {
        throw new Error('aimux serve needs the gateway: npm install @aimux/gateway')
      }
      const started = await gateway.startGateway({
        cwd: process.cwd(),
        env: process.env,
        ...(globals.config === undefined ? {} : { configPath: globals.config }),
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.host === undefined ? {} : { host: options.host }),
      })
      print(
        `aimux gateway listening on ${started.url}${started.configPath ? ` (config: ${started.configPath})` : ''}`,
      )
    })
  examples(command, [
    ['aimux serve', "on the config's host and port"],
    ['aimux serve --port 8080 --host 0.0.0.0', 'on every interface, port 8080'],
  ])
}

/**
 * @aimux/gateway from the project in the working folder first, as a dependency of the app next
 * to its config, else from beside the CLI; undefined when neither has it.
 */
async function importGateway(): Promise<GatewayModule | undefined> {
  for (const from of [join(process.cwd(), 'noop.js'), import.meta.url]) {
    let resolved: string
    try {
      resolved = createRequire(from).resolve('@aimux/gateway')
    } catch {
      continue
    }
    return (await import(pathToFileURL(resolved).href)) as GatewayModule
  }
  return undefined
}
