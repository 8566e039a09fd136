// The public surface of @aimux/gateway. Every module of the package (the server, keys, metrics,
// the config-driven start) adds its exports here; biome keeps them sorted by path.
export type { Caller } from './auth/caller.js'
export { createGateway, type Gateway } from './gateway.js'
export { type RunningGateway, type StartGatewayOptions, startGateway } from './gateway-from-config.js'
export type { GatewayOptions } from './gateway-options.js'
export type { GatewayEnv } from './http/gateway-env.js'
export type { OpenAIErrorBody } from './http/openai-error.js'
export { type IssuedKey, issueVirtualKey } from './keys/issue-key.js'
export type { IssueKeyInput } from './keys/issue-key-input.js'
export { hashSecret } from './keys/key-secret.js'
export { type PublicKey, publicKey } from './keys/public-key.js'
export type { GatewayServer, ListenOptions } from './listen.js'
export { createMetrics, type Metrics, type MetricsOptions } from './metrics.js'
