// aimux rotation demo: three API keys for one provider, stored encrypted in SQLite. One key is
// rate-limited (it cools down and the call still succeeds on another), one is revoked (disabled
// on its 401), and every call succeeds. Then the keys' health, the usage records with the key
// that served each call, and the audit log. Without OPENAI_API_KEY each key has its own local
// fake OpenAI server, scripted to answer 429 and 401; with it, the demo talks to OpenAI with that
// key (as "primary" and "backup") and a deliberately wrong one ("secondary").
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { rotation } from '@aimux/ai-rotation'
import { createFakeServer, type FakeServer, openaiChatProtocol } from '@aimux/ai-testing'
import { sqliteStore } from '@aimux/store-sqlite'

const apiKey = process.env.OPENAI_API_KEY
const names = ['primary', 'secondary', 'backup'] as const
const servers: Partial<Record<(typeof names)[number], FakeServer>> = {}
if (!apiKey) for (const name of names) servers[name] = await createFakeServer(openaiChatProtocol())
// The first call goes to primary; on the second, primary is rate-limited for 30 s and secondary's
// key has been revoked, so backup answers; the third goes straight to backup.
servers.primary?.enqueue(
  { text: 'Primary here: all keys are healthy.' },
  { error: { status: 429, message: 'Rate limit reached for requests', retryAfterMs: 30_000 } },
)
servers.secondary?.enqueue({ error: { status: 401, message: 'Incorrect API key provided.' } })
servers.backup?.enqueue({ text: 'Backup here: primary is cooling down.' }, { text: 'Backup again.' })

const database = join(mkdtempSync(join(tmpdir(), 'aimux-rotation-demo-')), 'aimux.db')
// Real applications set AIMUX_MASTER_KEY (32 bytes, base64 or hex) and keep it; the demo's
// database is new each run, so a new key will do.
const masterKey = process.env.AIMUX_MASTER_KEY ?? randomBytes(32).toString('base64')

const ai = await createAI({
  plugins: [openai(), rotation({ masterKey }), sqliteStore({ path: database })],
  defaultModel: 'openai:gpt-4o-mini',
  retry: false,
})

const keys = {
  primary: apiKey ?? 'sk-demo-primary-0000000000000000',
  secondary: apiKey ? 'sk-demo-revoked-0000000000000000' : 'sk-demo-secondary-0000000000000000',
  backup: apiKey ?? 'sk-demo-backup-0000000000000000',
}
for (const [index, name] of names.entries()) {
  const server = servers[name]
  await ai.connections.add({
    id: name,
    provider: 'openai',
    credentials: { apiKey: keys[name], ...(server ? { baseURL: `${server.url}/v1` } : {}) },
    // primary first, then secondary, then backup.
    priority: names.length - index,
  })
}

const notices: string[] = []
const notice = (text: string) => {
  notices.push(text)
}
ai.on('connection:selected', (e) => notice(`selected ${e.connectionId}${e.failover ? ' (failover)' : ''}`))
ai.on('connection:cooldown', (e) =>
  notice(`${e.connectionId} rate-limited: cooling down for ${e.cooldownMs / 1000} s`),
)
ai.on('connection:disabled', (e) => notice(`${e.connectionId} disabled: ${e.reason}`))

console.log(
  `aimux rotation demo: three keys for openai, on ${apiKey ? 'OpenAI' : 'local fake OpenAI servers'}, stored encrypted in ${database}\n`,
)
const requestIds: string[] = []
for (let call = 1; call <= 3; call++) {
  const res = await ai.chat({ messages: [{ role: 'user', content: `Call ${call}: which key answers?` }] })
  requestIds.push(res.requestId)
  console.log(`call ${call}: ${res.text}`)
  await ai.flush()
  for (const notice of notices.splice(0)) console.log(`  ! ${notice}`)
}

console.log('\nhealth')
for (const h of await ai.connections.health()) {
  const state =
    h.status === 'disabled' ? `disabled (${h.disabledReason})` : h.coolingDown ? 'cooling down' : h.status
  const latency = h.avgLatencyMs === undefined ? '' : `, ${Math.round(h.avgLatencyMs)} ms on average`
  console.log(`  ${h.connectionId.padEnd(10)} ${h.successes} ok, ${h.failures} failed${latency}: ${state}`)
}

console.log('\nusage records')
for (const id of requestIds) {
  const record = await ai.usage.get(id)
  console.log(`  ${id}  ${record?.provider}:${record?.model}  via ${record?.connectionId}`)
}

const listed = await ai.connections.list()
console.log(`\nstored: ${listed.map((c) => `${c.id} (key ${c.keyVersion})`).join(', ')}`)
const counts = new Map<string, number>()
for (const entry of await ai.connections.audit({ limit: 100 }))
  counts.set(entry.action, (counts.get(entry.action) ?? 0) + 1)
console.log(
  `audit log: ${[...counts]
    .map(([action, count]) => `${action} ${count}`)
    .sort()
    .join(', ')}`,
)

await ai.close()
await Promise.all(Object.values(servers).map((server) => server.close()))
