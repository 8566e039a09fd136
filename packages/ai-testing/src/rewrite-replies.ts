import type { FakeRequest, WireProtocol, WireResponse } from './fake-server.js'

/**
 * `protocol` with the answer of every model call passed through `rewrite`: for what a real
 * server sends and the fake never makes (a block of a kind it does not script, a stream that
 * ends early), e.g. a stream without its last two frames:
 * `rewriteReplies(anthropicProtocol(), (r) => r.type === 'stream' ? { ...r, frames: r.frames.slice(0, -2) } : r)`.
 * Fixed answers (a model list) are left as they are.
 */
export function rewriteReplies(
  protocol: WireProtocol,
  rewrite: (response: WireResponse, request: FakeRequest) => WireResponse,
): WireProtocol {
  return {
    ...protocol,
    routes: protocol.routes.map((route) =>
      'reply' in route
        ? { ...route, reply: (request, reply) => rewrite(route.reply(request, reply), request) }
        : route,
    ),
  }
}
