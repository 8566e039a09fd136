import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyWebhookSignature } from '../src/webhook-signature.js'

/** A delivery the receiver got: its raw body, headers and whether its signature checked out. */
export interface ReceivedDelivery {
  id: string
  body: string
  headers: IncomingHttpHeaders
  verified: boolean
}

/** How the receiver answers one request: a status, or `hold` to keep it open until released. */
export type ReceiverAnswer = { status: number; headers?: Record<string, string> } | 'hold'

export interface WebhookReceiver {
  url: string
  readonly received: ReceivedDelivery[]
  /** Requests held open, not answered yet. */
  readonly held: number
  /** Resolves with the nth request received (1-based), once it has arrived. */
  nth(n: number): Promise<ReceivedDelivery>
  /** Answers every held request with 200. */
  release(): void
  close(): Promise<void>
}

/**
 * An HTTP server on 127.0.0.1 that checks each delivery's signature with `secret`, records it,
 * and answers the nth request with `answer(n)` (200 by default). A delivery whose signature
 * fails is answered 400.
 */
export async function startWebhookReceiver(
  secret: string,
  answer: (n: number) => ReceiverAnswer = () => ({ status: 200 }),
): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = []
  const held: ServerResponse[] = []
  const waiters: { n: number; resolve: (d: ReceivedDelivery) => void }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const check = verifyWebhookSignature({ body, header: req.headers['aimux-signature'] as string, secret })
      const delivery = {
        id: String(req.headers['aimux-webhook-id']),
        body,
        headers: req.headers,
        verified: check.ok,
      }
      received.push(delivery)
      for (const waiter of waiters.filter((w) => w.n === received.length)) waiter.resolve(delivery)
      if (!check.ok) return res.writeHead(400).end(check.reason)
      const reply = answer(received.length)
      if (reply === 'hold') held.push(res)
      else res.writeHead(reply.status, reply.headers).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    get held() {
      return held.filter((res) => !res.writableEnded && !res.destroyed).length
    },
    nth(n) {
      const got = received[n - 1]
      if (got) return Promise.resolve(got)
      return new Promise((resolve) => waiters.push({ n, resolve }))
    },
    release() {
      for (const res of held.splice(0)) if (!res.destroyed) res.writeHead(200).end()
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
