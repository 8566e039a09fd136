import { inspect } from 'node:util'
import { redactSecrets } from '@aimux/ai-core/provider-kit'
import type { ClientOptions } from '@anthropic-ai/sdk'

type Logger = NonNullable<ClientOptions['logger']>

const levels = ['error', 'warn', 'info', 'debug'] as const

/**
 * The logger each Anthropic client is given: `console`, at the SDK's own level (ANTHROPIC_LOG,
 * else 'warn'), with the key and anything shaped like a key or a bearer token masked first. The
 * SDK writes a stream event it cannot parse to console.error as it came, and a server can echo
 * the key into one. A value that holds nothing to mask is passed on as it is; one that does is
 * passed as its masked text.
 */
export function maskedLogger(secrets: readonly string[]): Logger {
  const mask = (value: unknown): unknown => {
    const text = typeof value === 'string' ? value : inspect(value, { depth: 6 })
    const masked = redactSecrets(text, secrets)
    return masked === text ? value : masked
  }
  const logger = {} as Logger
  for (const level of levels) {
    // `console` is looked up at each line, so whatever replaces its methods later still gets them.
    logger[level] = (message, ...rest) => console[level](mask(message), ...rest.map(mask))
  }
  return logger
}
