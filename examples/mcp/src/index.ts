// aimux MCP example: a model reads files through the MCP filesystem server, started over stdio
// on first use. With OPENAI_API_KEY set it talks to OpenAI; without, to a local fake server that
// speaks OpenAI's wire protocol and is scripted to call the tool, so it runs anywhere.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAI, formatUsd } from '@aimux/ai-core'
import { mcp } from '@aimux/ai-mcp'
import { openai } from '@aimux/ai-openai'
import { createFakeServer, openaiChatProtocol } from '@aimux/ai-testing'

// A folder the server may read: the only one it is given.
const folder = mkdtempSync(join(tmpdir(), 'aimux-mcp-example-'))
writeFileSync(join(folder, 'shopping.txt'), 'oat milk\ntwo lemons\nsourdough bread\n')
writeFileSync(join(folder, 'todo.txt'), 'call the plumber\nwater the plants\n')

const apiKey = process.env.OPENAI_API_KEY
const server = apiKey ? undefined : await createFakeServer(openaiChatProtocol())
server?.enqueue(
  {
    toolCalls: [{ name: 'files_read_text_file', args: { path: join(folder, 'shopping.txt') } }],
    usage: { inputTokens: 412, outputTokens: 24 },
  },
  {
    text: 'You need oat milk, two lemons and sourdough bread.',
    usage: { inputTokens: 468, outputTokens: 13 },
  },
)

// The server's own entry file, run with this Node; `command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', folder]` works too.
const filesystemServer = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-filesystem/dist/index.js',
)

const ai = await createAI({
  plugins: [
    openai({
      apiKey: apiKey ?? 'sk-demo-not-a-real-key',
      ...(server ? { baseURL: `${server.url}/v1` } : {}),
    }),
    mcp({
      servers: { files: { command: process.execPath, args: [filesystemServer, folder] } },
      timeoutMs: 10_000,
    }),
  ],
  defaultModel: 'openai:gpt-4o-mini',
})

ai.on('mcp:server', (e) => console.log(`  · ${e.server} ${e.state}${e.pid ? ` (pid ${e.pid})` : ''}`))
ai.on('mcp:tool-call', (e) =>
  console.log(
    `  · tool ${e.server}/${e.tool}: ${e.ok ? 'ok' : `failed (${e.error})`} in ${Math.round(e.durationMs)} ms`,
  ),
)

console.log(
  `aimux MCP example: talking to ${server ? `a local fake OpenAI server at ${server.url}` : 'OpenAI'}\n`,
)
const question = 'What is on my shopping list?'
console.log(`you: ${question}`)
const res = await ai.chat({
  system: `You help with the user's files in ${folder}. Read them with the tools; answer in one sentence.`,
  messages: [{ role: 'user', content: question }],
  // This request offers the model two tools of the `files` server.
  mcp: { files: ['read_text_file', 'list_directory'] },
})
await ai.flush()
for (const result of res.steps.flatMap((step) => step.toolResults)) {
  console.log(`  · the model read from ${result.toolName}: ${JSON.stringify(result.result)}`)
}
console.log(`assistant: ${res.text}`)
console.log(
  `  ${res.steps.length} model calls · ${res.usage.inputTokens} in / ${res.usage.outputTokens} out tokens · ${formatUsd(res.cost.nanoUsd)}`,
)

const pids = ai.mcp.servers().flatMap((s) => (s.pid ? [s.pid] : []))
await ai.close()
const running = pids.filter((pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
})
console.log(`\nclosed: ${pids.length} server process started, ${running.length} still running`)
await server?.close()
rmSync(folder, { recursive: true, force: true })
