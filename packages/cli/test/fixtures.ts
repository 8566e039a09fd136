import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { createProject, type Project } from './cli.js'

export const OPENAI_KEY = 'sk-cli-test-4f1d2c9e8b7a6'

/** A fake OpenAI server and a project whose config points openai at it, with a SQLite store. */
export interface Setup {
  server: FakeServer
  project: Project
  close(): Promise<void>
}

export async function setUp(
  extra: Record<string, unknown> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Setup> {
  const server = await createFakeServer(openaiChatProtocol({ models: ['gpt-4o-mini', 'gpt-4o'] }))
  const project = await createProject(
    {
      providers: { openai: { baseURL: `${server.url}/v1` } },
      store: { type: 'sqlite', path: 'aimux.db' },
      defaultModel: 'openai:gpt-4o-mini',
      ...extra,
    },
    { OPENAI_API_KEY: OPENAI_KEY, ...env },
  )
  return {
    server,
    project,
    async close() {
      await server.close()
      await project.remove()
    },
  }
}

/** gpt-4o-mini's built-in price: $0.15 in and $0.60 out per million tokens, in nano-USD a token. */
export const miniCost = (input: number, output: number) => input * 150 + output * 600
