// Scenario 1b: aimux's own CPU per call, with a provider that answers at once in-process (no
// HTTP, no SDK), so the machine's network stack and its noise are out of the measurement.
import { type CreateAIOptions, createAI, defineProvider, type Plugin } from '@aimux/ai-core'
import { emptyUsage } from '@aimux/ai-core/provider-kit'
import { sqliteStore } from '@aimux/store-sqlite'
import { goal, median, type Row, round, type Timing, timeCalls } from './measure.ts'
import { type Config, configs, guards, messages, sqlitePath } from './subjects.ts'

const usage = { ...emptyUsage(), inputTokens: 10, outputTokens: 2, totalTokens: 12 }
const instant = defineProvider({
  id: 'openai',
  generate: async () => ({ content: [{ type: 'text', text: 'Hello!' }], finishReason: 'stop', usage }),
  stream: async function* () {
    yield { type: 'text-delta', text: 'Hello!' }
    yield { type: 'usage', usage }
    yield { type: 'finish', finishReason: 'stop' }
  },
})

async function instance(config: Config) {
  const plugins: Plugin[] = [{ name: 'instant', setup: (host) => host.registerProvider(instant) }]
  if (config !== 'no store') plugins.push(sqliteStore({ path: sqlitePath() }))
  // gpt-4o-mini's price, so that cost and the budget's estimate are computed as over the wire.
  const prices = [{ provider: 'openai', model: 'gpt-4o-mini', price: { input: 0.15, output: 0.6 } }]
  const options: CreateAIOptions = config === 'SQLite + budgets + rate limits' ? guards : {}
  return createAI({ plugins, prices, ...options })
}

export async function coreOverhead(calls: number): Promise<Row[]> {
  const rows: Row[] = []
  for (const config of configs) {
    const ai = await instance(config)
    const call = () =>
      ai.chat({ model: 'openai:gpt-4o-mini', messages, scope: { userId: 'u1', tenantId: 't1' } })
    await timeCalls(call, 2_000, 1, () => ai.flush())
    const rounds: Timing[] = []
    for (let r = 0; r < 5; r++) rounds.push(await timeCalls(call, calls / 5, 1, () => ai.flush()))
    await ai.close()
    const cpuUs = median(rounds.map((t) => t.cpuUs))
    rows.push({
      scenario: "aimux's own work per call",
      subject: `aimux, ${config}`,
      numbers: {
        calls,
        'CPU us/call': round(cpuUs, 1),
        'wall us/call': round(median(rounds.map((t) => (t.wallMs * 1000) / t.calls)), 1),
      },
      ...goal('CPU <= 50 us', cpuUs <= 50),
    })
  }
  return rows
}
