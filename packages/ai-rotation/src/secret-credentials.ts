import { type ConnectionCredentials, secretsOf } from './connection-config.js'

const inspect = Symbol.for('nodejs.util.inspect.custom')
const shown = 'SecretCredentials [redacted]'

/**
 * Holds a connection's decrypted credentials in a private field: printing, inspecting, logging or
 * serialising it shows `[redacted]`; only `reveal()` hands them out, for the adapter call.
 */
export class SecretCredentials {
  readonly #credentials: ConnectionCredentials

  constructor(credentials: ConnectionCredentials) {
    this.#credentials = structuredClone(credentials)
  }

  /** A copy of the credentials themselves. */
  reveal(): ConnectionCredentials {
    return structuredClone(this.#credentials)
  }

  /** The strings to mask wherever a message might repeat them: the key and header values. */
  secrets(): string[] {
    return secretsOf(this.#credentials)
  }

  toString(): string {
    return shown
  }

  toJSON(): string {
    return '[redacted]'
  }

  [inspect](): string {
    return shown
  }
}
