import { type LineWorker, startLineWorker } from '@aimux/ai-testing'

const hooks = new URL('../../../ai-testing/test/workspace-source-hooks.ts', import.meta.url).href

/** One of the scripts in this folder in a child process, running the workspace's sources. */
export function startWorker(script: string, args: readonly string[]): LineWorker {
  return startLineWorker(new URL(script, import.meta.url), args, { execArgv: ['--import', hooks] })
}
