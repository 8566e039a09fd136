import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const hooks = new URL('./source-hooks.ts', import.meta.url).href

/** A child process running one of the scripts in this folder, talked to line by line. */
export interface Worker {
  child: ChildProcess
  /** The next line the child prints; rejects when it exits first. */
  nextLine(): Promise<string>
  /** Writes one line to the child's stdin. */
  send(line: string): void
  /** Closes the child's stdin. */
  end(): void
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export function startWorker(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Worker {
  const path = fileURLToPath(new URL(script, import.meta.url))
  const child = spawn(process.execPath, ['--import', hooks, path, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  return {
    child,
    async nextLine() {
      const { value, done } = await lines.next()
      if (done) throw new Error(`${script} exited before printing a line`)
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
