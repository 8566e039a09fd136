import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { createClient } from '@redis/client'

/** A redis-server of a test's own on 127.0.0.1, to stop and start again without touching the shared one. */
export interface OwnRedisServer {
  port: number
  /** The URL of the server, with `password` in it when given. */
  url(password?: string): string
  stop(): Promise<void>
  start(): Promise<void>
}

/** A port nothing listens on at the moment. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts redis-server (from the PATH, as scripts/ensure-redis.sh installs it) on a free port. */
export async function startOwnRedisServer(options: { password?: string } = {}): Promise<OwnRedisServer> {
  const port = await freePort()
  let child: ChildProcess | undefined
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  if (options.password) args.push('--requirepass', options.password)
  const url = (password?: string) =>
    password === undefined
      ? `redis://127.0.0.1:${port}`
      : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' })
    const failed = new Promise<never>((_, reject) => child!.once('error', reject))
    await Promise.race([waitForAnswer(url(options.password)), failed])
  }
  const stop = async () => {
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }
  await start()
  return { port, url, stop, start }
}

async function waitForAnswer(url: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.ping()
      client.destroy()
      return
    } catch (error) {
      client.destroy()
      if (attempt >= 300) throw error
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}
