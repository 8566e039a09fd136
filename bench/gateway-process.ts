// One gateway, in a process of its own as it runs in production, in front of the fake upstream:
// aimux with the OpenAI plugin (no store: the in-memory one), the gateway with its /metrics, and
// one virtual key; beside it, the least a Node.js proxy does (node:http in, fetch out, no
// checks), the floor of one more HTTP hop on this machine. Driven over IPC: { upstream } starts
// both and answers { url, secret, proxy }; { cpu } answers the process's CPU time so far
// (microseconds, user + system).
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAI } from '@aimux/ai-core'
import { openai } from '@aimux/ai-openai'
import { createGateway, createMetrics } from '@aimux/gateway'

const ADMIN_TOKEN = 'bench-admin-token-0123456789'

process.on('message', async (message: { id: number; upstream?: string; cpu?: true }) => {
  if (message.upstream) {
    const ai = await createAI({ plugins: [openai({ apiKey: 'sk-bench', baseURL: message.upstream })] })
    const metrics = createMetrics(ai)
    const gateway = createGateway({ ai, adminToken: ADMIN_TOKEN })
    gateway.app.get('/metrics', async (c) => {
      const { contentType, body } = await metrics.handler()
      return c.body(body, 200, { 'content-type': contentType })
    })
    const { url } = await gateway.listen({ port: 0 })
    const issued = await fetch(`${url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    })
    const { secret } = (await issued.json()) as { secret: string }
    const upstream = new URL(message.upstream)
    const proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const answer = await fetch(new URL(req.url ?? '/', upstream.origin), {
        method: req.method ?? 'GET',
        headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
        body: chunks.length > 0 ? Buffer.concat(chunks) : null,
      })
      const body = Buffer.from(await answer.arrayBuffer())
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      })
      res.end(body)
    })
    proxy.listen(0, '127.0.0.1')
    await once(proxy, 'listening')
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    process.send?.({ id: message.id, url, secret, proxy: proxyUrl })
  }
  if (message.cpu) {
    const { user, system } = process.cpuUsage()
    process.send?.({ id: message.id, cpuUs: user + system })
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ id: 0 })
