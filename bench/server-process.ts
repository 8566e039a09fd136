// The fake OpenAI-wire servers, in a process of their own so that the measured process's CPU
// time and memory are the client's alone. Driven over IPC: { enqueue: n } tops up the script of
// the answering server with n fixed small replies (and forgets the requests recorded so far).
import { createFakeServer, type FakeRequest, openaiChatProtocol } from '@aimux/ai-testing'

const ok = await createFakeServer(openaiChatProtocol())
const failing = await createFakeServer(openaiChatProtocol())
const reply = { text: 'Hello there, this is a short answer.', usage: { inputTokens: 12, outputTokens: 9 } }

process.on('message', (message: { id: number; enqueue?: number; fail?: number }) => {
  for (const server of [ok, failing]) (server.requests as FakeRequest[]).length = 0
  for (let i = 0; i < (message.enqueue ?? 0); i++) ok.enqueue(reply)
  for (let i = 0; i < (message.fail ?? 0); i++)
    failing.enqueue({ error: { status: 503, message: 'overloaded' } })
  process.send?.({ id: message.id })
})
process.on('disconnect', () => process.exit(0))
process.send?.({ id: 0, ok: ok.url, failing: failing.url })
