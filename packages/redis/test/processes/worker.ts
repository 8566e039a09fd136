import { type LineWorker, startLineWorker } from '@aimux/ai-testing'

const hooks = new URL('../../../ai-testing/test/workspace-source-hooks.ts', import.meta.url).href

/** One of the scripts in this folder in a child process, running the workspace's sources. */
export function startWorker(script: string, args: readonly string[]): LineWorker {
  return startLineWorker(new URL(script, import.meta.url), args, { execArgv: ['--import', hooks] })
}

/** Starts `count` workers, waits until each printed "ready", sends each its line at once, and gathers their last lines. */
export async function runWorkers<T>(
  count: number,
  start: () => LineWorker,
  line: (index: number) => unknown,
): Promise<T[]> {
  const workers = Array.from({ length: count }, start)
  try {
    for (const worker of workers) expectLine(await worker.nextLine(), 'ready')
    workers.forEach((worker, index) => {
      worker.send(JSON.stringify(line(index)))
      worker.end()
    })
    const results = await Promise.all(workers.map(async (worker) => JSON.parse(await worker.nextLine()) as T))
    const exits = await Promise.all(workers.map((worker) => worker.exited))
    for (const exit of exits)
      if (exit.code !== 0) throw new Error(`a worker exited with ${JSON.stringify(exit)}`)
    return results
  } finally {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill()
  }
}

function expectLine(line: string, expected: string) {
  if (line !== expected) throw new Error(`a worker printed '${line}' where '${expected}' was expected`)
}
