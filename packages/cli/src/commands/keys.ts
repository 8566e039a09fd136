import { userInfo } from 'node:os'
import type { AI } from '@aimux/ai-core'
import type { ConnectionHealthReport, ConnectionInfo, ConnectionsApi } from '@aimux/ai-rotation'
import { type Command, InvalidArgumentError } from 'commander'
import { examples } from '../examples.js'
import { type GlobalOptions, withAI } from '../open-ai.js'
import { note, paint, print, printJson } from '../output.js'
import { readSecret } from '../read-secret.js'
import { table } from '../table.js'
import { UsageError } from '../usage-error.js'

interface AddOptions {
  id?: string
  name?: string
  priority?: number
  weight?: number
  baseUrl?: string
  organization?: string
  project?: string
  rpm?: number
  rpd?: number
  tpm?: number
  json?: boolean
}

const number = (value: string) => {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number.')
  return n
}

/** Who the audit log names for changes made here: the --actor given, else `cli:<login>`. */
function actorOf(cmd: Command): { actor: string } {
  const { actor } = cmd.optsWithGlobals<{ actor?: string }>()
  if (actor) return { actor }
  try {
    return { actor: `cli:${userInfo().username}` }
  } catch {
    return { actor: 'cli' }
  }
}

/** The rotation plugin's API, or a ConfigError-like message saying how to enable it. */
function connectionsOf(ai: AI, configPath: string | undefined): ConnectionsApi {
  if ('connections' in ai && ai.connections) return ai.connections
  throw new Error(
    `keys needs the rotation plugin: add { "package": "@aimux/ai-rotation", "export": "rotation" } to "plugins" in ${configPath ?? 'the config file'} (and npm install @aimux/ai-rotation)`,
  )
}

/** Runs `use` with the instance's connections, the instance closed afterwards. */
function withConnections(cmd: Command, use: (connections: ConnectionsApi) => Promise<void>): Promise<void> {
  return withAI(cmd.optsWithGlobals<GlobalOptions>(), (ai, loaded) => use(connectionsOf(ai, loaded.path)))
}

const describe = (c: ConnectionInfo) =>
  `${c.id} (${c.provider}, priority ${c.priority}, weight ${c.weight}, ${c.status}${c.disabledReason ? `: ${c.disabledReason}` : ''})`

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .summary('the API keys of the rotation plugin: add, list, retire, test...')
    .description(
      "The rotation plugin's connections (API keys): several per provider, chosen by priority and weight, " +
        'cooled down on 429s, disabled on 401s. Stored keys are encrypted with AIMUX_MASTER_KEY.',
    )
    .option('--actor <name>', 'who the audit log names for a change (default: cli:<your login>)')
  examples(keys, [
    ['printf %s "$KEY" | aimux keys add openai --id openai-2026-12', 'add a key read from standard input'],
    ['aimux keys add openai', 'add a key typed at a prompt that shows nothing'],
    ['aimux keys list', 'every connection with its health'],
    ['aimux keys retire openai-2026-11', 'use the old key only when no other can serve'],
  ])

  const add = keys
    .command('add')
    .summary('store a new key, read from standard input or a silent prompt')
    .description(
      'Store a new connection for a provider, its key encrypted. The key is read from standard input, or ' +
        'typed at a prompt that echoes nothing: never from the command line, which other users see in `ps`.',
    )
    .argument('<provider>', 'the provider id, as in "openai:gpt-4o-mini"')
    // Extra words are refused here rather than by commander, whose message would repeat a key
    // given there by mistake.
    .allowExcessArguments(true)
    .option('--id <id>', 'the connection id (default: generated)')
    .option('--name <name>', 'a label for people (default: the id)')
    .option('--priority <n>', 'higher first (default 0)', number)
    .option('--weight <n>', 'its share of calls among connections of its priority (default 1)', number)
    .option('--base-url <url>', "where the provider is reached with this key, when not the adapter's own")
    .option('--organization <id>', 'the OpenAI organization')
    .option('--project <id>', 'the OpenAI project')
    .option('--rpm <n>', 'at most this many requests a minute', number)
    .option('--rpd <n>', 'at most this many requests a day', number)
    .option('--tpm <n>', 'at most this many tokens a minute', number)
    .option('--json', 'the stored connection as JSON (never its key)')
    .action(async (provider: string, options: AddOptions, cmd: Command) => {
      if (cmd.args.length > 1) {
        throw new UsageError(
          'keys add takes the key from standard input or a prompt, never from the command line, where `ps` and the shell history show it',
        )
      }
      await withConnections(cmd, async (connections) => {
        const apiKey = await readSecret(`API key for ${provider} (not shown):`)
        const limits = {
          ...(options.rpm === undefined ? {} : { requestsPerMinute: options.rpm }),
          ...(options.rpd === undefined ? {} : { requestsPerDay: options.rpd }),
          ...(options.tpm === undefined ? {} : { tokensPerMinute: options.tpm }),
        }
        const info = await connections.add(
          {
            provider,
            credentials: {
              apiKey,
              ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
              ...(options.organization ? { organization: options.organization } : {}),
              ...(options.project ? { project: options.project } : {}),
            },
            ...(options.id ? { id: options.id } : {}),
            ...(options.name ? { name: options.name } : {}),
            ...(options.priority === undefined ? {} : { priority: options.priority }),
            ...(options.weight === undefined ? {} : { weight: options.weight }),
            ...(Object.keys(limits).length > 0 ? { limits } : {}),
          },
          actorOf(cmd),
        )
        if (options.json) printJson(info)
        else print(`Added ${describe(info)}.`)
      })
    })
  examples(add, [
    ['printf %s "$OPENAI_KEY" | aimux keys add openai --id openai-main', 'from standard input'],
    ['aimux keys add openai --priority 1 --rpm 500', 'typed at a prompt'],
    ['aimux keys add openai --base-url https://eu.api.openai.com/v1 < key.txt', 'from a file'],
  ])

  const list = keys
    .command('list')
    .summary('every connection with its status and health')
    .description('Every connection, highest priority first, with its status and health (never a key)')
    .option('-p, --provider <id>', "only this provider's")
    .option('--json', 'the connections and their health as JSON')
    .action(async (options: { provider?: string; json?: boolean }, cmd: Command) => {
      await withConnections(cmd, async (connections) => {
        const filter = options.provider ? { provider: options.provider } : {}
        const [infos, health] = await Promise.all([connections.list(filter), connections.health(filter)])
        const healthOf = (id: string) => health.find((h) => h.connectionId === id)
        if (options.json)
          return printJson(infos.map((info) => ({ ...info, health: healthOf(info.id) ?? null })))
        if (infos.length === 0) return note('No connections.')
        print(
          table(
            [
              { header: 'ID' },
              { header: 'PROVIDER' },
              { header: 'STATUS' },
              { header: 'PRIORITY', align: 'right' },
              { header: 'WEIGHT', align: 'right' },
              { header: 'SOURCE' },
              { header: 'OK', align: 'right' },
              { header: 'FAILED', align: 'right' },
              { header: 'LATENCY', align: 'right' },
              { header: 'NOTE' },
            ],
            infos.map((info) => row(info, healthOf(info.id))),
          ),
        )
      })
    })
  examples(list, [
    ['aimux keys list', 'all of them'],
    ['aimux keys list -p openai --json', "OpenAI's, as JSON"],
  ])

  const status = (name: 'retire' | 'enable', summary: string, description: string) =>
    keys
      .command(name)
      .summary(summary)
      .description(description)
      .argument('<id>', 'the connection')
      .action(async (id: string, _options: unknown, cmd: Command) => {
        await withConnections(cmd, async (connections) => {
          const info = await connections[name](id, actorOf(cmd))
          print(`${describe(info)}.`)
        })
      })
  examples(
    status(
      'retire',
      'keep a key for when no other can serve',
      'Use this connection only when no active one can serve a call',
    ),
    [['aimux keys retire openai-2026-11', 'before removing it']],
  )
  examples(
    status('enable', 'make a connection active again', 'Make a retiring or disabled connection active again'),
    [['aimux keys enable openai-main', 'after replacing a revoked key']],
  )

  const disable = keys
    .command('disable')
    .summary('stop using a connection until it is enabled')
    .description('Stop using this connection until it is enabled again')
    .argument('<id>', 'the connection')
    .option('--reason <text>', 'why, for the list and the audit log')
    .action(async (id: string, options: { reason?: string }, cmd: Command) => {
      await withConnections(cmd, async (connections) => {
        print(`${describe(await connections.disable(id, options.reason, actorOf(cmd)))}.`)
      })
    })
  examples(disable, [['aimux keys disable openai-main --reason "leaked in a log"', 'with a reason']])

  const remove = keys
    .command('remove')
    .summary('delete a stored connection')
    .description('Delete a stored connection with its health')
    .argument('<id>', 'the connection')
    .option('--force', 'also one given in code that no instance lists any more')
    .action(async (id: string, options: { force?: boolean }, cmd: Command) => {
      await withConnections(cmd, async (connections) => {
        const removed = await connections.remove(id, {
          ...actorOf(cmd),
          ...(options.force ? { force: true } : {}),
        })
        if (!removed) throw new Error(`There is no connection '${id}'.`)
        print(`Removed ${id}.`)
      })
    })
  examples(remove, [['aimux keys remove openai-2026-11', 'once every instance has stopped using it']])

  const test = keys
    .command('test')
    .summary('ask the provider whether a key works')
    .description(
      "Ask the provider whether this connection's key works (for OpenAI, a model list); changes nothing",
    )
    .argument('<id>', 'the connection')
    .option('--json', 'the result as JSON')
    .action(async (id: string, options: { json?: boolean }, cmd: Command) => {
      await withConnections(cmd, async (connections) => {
        const result = await connections.test(id, actorOf(cmd))
        if (options.json) printJson({ id, ...result })
        else if (result.ok) print(`${id}: ${paint('green', 'ok')} (${Math.round(result.latencyMs)} ms)`)
        else print(`${id}: ${paint('red', 'failed')}: ${result.error.code}: ${result.error.message}`)
        if (!result.ok) process.exitCode = 1
      })
    })
  examples(test, [
    ['aimux keys test openai-main', 'ok, or why not'],
    ['aimux keys test openai-main --json', 'as JSON'],
  ])

  const rotate = keys
    .command('rotate-master-key')
    .summary('re-encrypt the stored keys under the newest master key')
    .description(
      'Re-encrypt every stored connection under the newest master key. Set both keys first: ' +
        'AIMUX_MASTER_KEY="v2:<new>,v1:<old>"; then drop the old one.',
    )
    .option('--json', 'the result as JSON')
    .action(async (options: { json?: boolean }, cmd: Command) => {
      await withConnections(cmd, async (connections) => {
        const result = await connections.rotateMasterKey(actorOf(cmd))
        if (options.json) printJson(result)
        else print(`Re-encrypted ${result.reencrypted} connections under master key ${result.version}.`)
      })
    })
  examples(rotate, [
    ['AIMUX_MASTER_KEY="v2:$NEW,v1:$OLD" aimux keys rotate-master-key', 'once, from any instance'],
  ])
}

function row(info: ConnectionInfo, health: ConnectionHealthReport | undefined): string[] {
  const notes = [
    ...(info.disabledReason ? [info.disabledReason] : []),
    ...(health?.coolingDown && health.cooldownUntil
      ? [`cooling down until ${health.cooldownUntil.toISOString()}`]
      : []),
    ...(info.problem ? [info.problem] : []),
    ...(health?.lastError && info.status !== 'disabled' ? [`last error: ${health.lastError}`] : []),
  ]
  return [
    info.id,
    info.provider,
    info.status,
    String(info.priority),
    String(info.weight),
    info.source === 'store' ? `store ${info.keyVersion ?? ''}`.trim() : 'config',
    String(health?.successes ?? 0),
    String(health?.failures ?? 0),
    health?.avgLatencyMs === undefined ? '' : `${Math.round(health.avgLatencyMs)} ms`,
    notes.join('; '),
  ]
}
