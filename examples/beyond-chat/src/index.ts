// aimux beyond chat: what a request costs before it is sent, an answer streamed as a growing
// object, ... With OPENAI_API_KEY and ANTHROPIC_API_KEY set it talks to the providers; without,
// to local fake servers that speak their wire protocols, so it runs anywhere in a few seconds.

import { anthropic } from '@aimux/ai-anthropic'
import { createAI, formatUsd } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import {
  anthropicBatchProtocol,
  anthropicProtocol,
  createFakeServer,
  openaiChatProtocol,
} from '@aimux/ai-testing'
import { z } from 'zod'

const openaiKey = process.env.OPENAI_API_KEY
const anthropicKey = process.env.ANTHROPIC_API_KEY
const openaiServer = openaiKey ? undefined : await createFakeServer(openaiChatProtocol())
// One fake Anthropic server for messages, token counts and message batches.
const anthropicWire = anthropicProtocol()
const batchWire = anthropicBatchProtocol({
  answer: (request) => ({
    text: `${request.custom_id}: ${request.custom_id === 'alfama' ? 'Go at dawn.' : 'Go at sunset.'}`,
    usage: { inputTokens: 1_000, outputTokens: 200 },
  }),
})
const anthropicServer = anthropicKey
  ? undefined
  : await createFakeServer({ ...anthropicWire, routes: [...batchWire.routes, ...anthropicWire.routes] })

const ai = await createAI({
  plugins: [
    openai({
      apiKey: openaiKey ?? 'sk-demo-not-a-real-key',
      ...(openaiServer ? { baseURL: `${openaiServer.url}/v1` } : {}),
    }),
    anthropic({
      apiKey: anthropicKey ?? 'sk-ant-demo-not-a-real-key',
      ...(anthropicServer ? { baseURL: anthropicServer.url } : {}),
    }),
  ],
  defaultModel: 'openai:gpt-4o-mini',
})
console.log(
  `aimux beyond chat: talking to ${openaiServer ? 'local fake OpenAI and Anthropic servers' : 'OpenAI and Anthropic'}\n`,
)

// 1. Token counts, before anything is sent: OpenAI models locally with their tokenizer,
// Anthropic's through its count_tokens endpoint.
const question = {
  system: 'You are a concise travel assistant.',
  messages: [{ role: 'user' as const, content: 'Plan one day in Lisbon: three stops, each with a reason.' }],
}
for (const model of ['openai:gpt-4o-mini', 'anthropic:claude-sonnet-5']) {
  const count = await ai.countTokens({ ...question, model })
  console.log(
    `tokens: ${model} takes ${count.inputTokens} input tokens (${count.source}${count.exact ? ', exact' : ''})`,
  )
}

// 2. An object streamed as it is written: each object-delta is the JSON parsed so far.
const Day = z.object({
  city: z.string(),
  stops: z.array(z.object({ place: z.string(), why: z.string() })),
})
openaiServer?.enqueue({
  chunks: [
    '{"city":"Lis',
    'bon","stops":[{"place":"Alfama","why":"Old streets',
    ' at dawn"},{"place":"Belém","why":"Pastéis"},',
    '{"place":"Miradouro da Graça","why":"The sunset"}]}',
  ],
  usage: { inputTokens: 31, outputTokens: 44 },
})
const stream = ai.stream({ ...question, schema: Day, schemaName: 'day' })
for await (const object of stream.objectStream) {
  console.log(`partial: ${JSON.stringify(object)}`)
}
const day = await stream.result
console.log(`object: ${day.object.stops.map((stop) => stop.place).join(' → ')}`)
console.log(
  `  ${formatUsd(day.cost.nanoUsd)} · ${day.usage.inputTokens} in / ${day.usage.outputTokens} out tokens`,
)

// 3. Embeddings: a vector per text, in order, with usage and exact cost; a long list would be
// split into requests of 2048 texts, OpenAI's limit.
openaiServer?.enqueue({})
const stops = day.object.stops.map((stop) => `${stop.place}: ${stop.why}`)
const embedded = await ai.embed({ model: 'openai:text-embedding-3-small', input: stops, dimensions: 256 })
console.log(
  `embeddings: ${embedded.embeddings.length} vectors of ${embedded.embeddings[0]?.length} numbers · ` +
    `${embedded.usage.inputTokens} input tokens · ${formatUsd(embedded.cost.nanoUsd)}`,
)

// 4. A batch job: many requests in one provider job, answered within 24 hours at half price.
// The budget reserves the job's estimate at submit; each answer is recorded once when read.
const job = await ai.batch.submit(
  ['alfama', 'graca'].map((place) => ({
    customId: place,
    messages: [{ role: 'user' as const, content: `When is ${place} at its best? One sentence.` }],
    maxOutputTokens: 200,
  })),
  { model: 'anthropic:claude-sonnet-5' },
)
console.log(`batch: submitted ${job.id} (${job.status}) to ${job.provider}`)
if (anthropicServer)
  batchWire.end(job.providerBatchId) // the fake ends it at once
else console.log('  a real job takes minutes to hours: follow it with ai.batch.get(id)')
if ((await ai.batch.get(job.id)).status === 'completed') {
  for (const item of await ai.batch.results(job.id)) {
    if (!item.ok) console.log(`  ${item.customId}: ${item.error.message}`)
    else console.log(`  ${item.result.text} · ${formatUsd(item.result.cost.nanoUsd)}`)
  }
}

await ai.close()
await openaiServer?.close()
await anthropicServer?.close()
