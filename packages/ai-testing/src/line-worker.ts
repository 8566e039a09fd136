import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** A Node child process a test talks to line by line: its stdout read as lines, its stdin written. */
export interface LineWorker {
  child: ChildProcess
  /** The next line the child prints; rejects when it exits first. */
  nextLine(): Promise<string>
  /** Writes one line to the child's stdin. */
  send(line: string): void
  /** Closes the child's stdin. */
  end(): void
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export interface LineWorkerOptions {
  /** Node options before the script, e.g. `['--import', hooks]` to run TypeScript sources. */
  execArgv?: readonly string[]
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv
}

/**
 * Starts `script` with this process's Node, for tests that need several processes (concurrent
 * writers, a crash mid-write, instances sharing a database). Its stderr goes to the test's.
 */
export function startLineWorker(
  script: URL,
  args: readonly string[] = [],
  options: LineWorkerOptions = {},
): LineWorker {
  const child = spawn(process.execPath, [...(options.execArgv ?? []), fileURLToPath(script), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  return {
    child,
    async nextLine() {
      const { value, done } = await lines.next()
      if (done) throw new Error(`${fileURLToPath(script)} exited before printing a line`)
      return value
    },
    send(line) {
      child.stdin!.write(`${line}\n`)
    },
    end() {
      child.stdin!.end()
    },
    exited,
  }
}
