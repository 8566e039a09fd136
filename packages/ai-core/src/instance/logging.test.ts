import { mockProvider } from '@aimux/ai-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthenticationError, ValidationError } from '../errors/errors.js'
import { defineProvider } from '../spec/provider.js'
import { type CreateAIOptions, createAI } from './create-ai.js'
import type { AimuxLogger } from './logger.js'
import type { Plugin } from './plugin.js'

const messages = [{ role: 'user' as const, content: 'Hi' }]
const KEY = 'sk-live-abcdefgh12345678'
const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }

interface Line {
  level: string
  msg: string
  obj: Record<string, unknown>
}

/** A logger that keeps what it is given; `debug` says whether its debug level is on. */
function capturingLogger(debug = true): AimuxLogger & { lines: Line[] } {
  const lines: Line[] = []
  const at = (level: string) => (obj: object, msg: string) =>
    void lines.push({ level, msg, obj: obj as Record<string, unknown> })
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    isLevelEnabled: (level) => debug || level !== 'debug',
  }
}

const summary = (lines: Line[]) => lines.map((l) => `${l.level} ${l.msg}`)

async function setup(logger: AimuxLogger | undefined, options: CreateAIOptions = {}) {
  const primary = mockProvider({ id: 'primary' })
  const backup = mockProvider({ id: 'backup' })
  const ai = await createAI({
    plugins: [primary, backup],
    defaultModel: 'primary:m',
    prices: [{ provider: 'primary', model: 'm', price: { input: 1, output: 1 } }],
    retry: fast,
    ...(logger ? { logger } : {}),
    ...options,
  })
  return { primary, backup, ai }
}

/** A provider whose error echoes the key it was given, unmasked. */
const leaky: Plugin = {
  name: 'leaky',
  setup(host) {
    host.registerProvider(
      defineProvider({
        id: 'leaky',
        async generate() {
          throw new AuthenticationError(`leaky: key ${KEY} was rejected (Bearer ${KEY})`, {
            provider: 'leaky',
          })
        },
      }),
    )
  },
}

afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('the logger option', () => {
  it('logs a plain call at debug: its attempt, its answer with timing and tokens, its cost', async () => {
    vi.stubEnv('AIMUX_DEBUG', '')
    const logger = capturingLogger()
    const { primary, ai } = await setup(logger)
    primary.enqueue({ text: 'ok', usage: { inputTokens: 3, outputTokens: 1 } })
    await ai.chat({ messages, requestId: 'r1' })
    await ai.flush()
    expect(summary(logger.lines)).toEqual(['debug aimux request', 'debug aimux response', 'debug aimux cost'])
    const [request, response, cost] = logger.lines.map((l) => l.obj)
    expect(request).toEqual({
      requestId: 'r1',
      provider: 'primary',
      model: 'm',
      step: 1,
      attempt: 1,
      stream: false,
    })
    expect(response).toMatchObject({ requestId: 'r1', finishReason: 'stop', inputTokens: 3, outputTokens: 1 })
    expect(typeof response?.latencyMs).toBe('number')
    expect(cost).toMatchObject({ requestId: 'r1', nanoUsd: 4_000, source: 'catalog' })
    await ai.close()
  })

  it('sends no debug lines when the logger has debug off and AIMUX_DEBUG is not set', async () => {
    vi.stubEnv('AIMUX_DEBUG', '')
    const logger = capturingLogger(false)
    const { primary, ai } = await setup(logger)
    primary.enqueue({ text: 'ok' })
    await ai.chat({ messages })
    await ai.flush()
    expect(logger.lines).toEqual([])
    await ai.close()
  })

  it('turns debug lines on for a logger with AIMUX_DEBUG=1', async () => {
    vi.stubEnv('AIMUX_DEBUG', '1')
    const logger = capturingLogger(false)
    const { primary, ai } = await setup(logger)
    primary.enqueue({ text: 'ok' })
    await ai.chat({ messages })
    await ai.flush()
    expect(summary(logger.lines)).toContain('debug aimux request')
    await ai.close()
  })

  it('logs a retry at warn, then the second attempt', async () => {
    const logger = capturingLogger()
    const { primary, ai } = await setup(logger)
    primary.enqueue({ error: { status: 503 } }, { text: 'ok' })
    await ai.chat({ messages, requestId: 'r2' })
    await ai.flush()
    expect(summary(logger.lines)).toEqual([
      'debug aimux request',
      'warn aimux retry',
      'debug aimux request',
      'debug aimux response',
      'debug aimux cost',
    ])
    expect(logger.lines[1]?.obj).toMatchObject({
      requestId: 'r2',
      provider: 'primary',
      attempt: 1,
      err: { code: 'provider', status: 503, retryable: true },
    })
    expect(logger.lines[2]?.obj).toMatchObject({ attempt: 2 })
    await ai.close()
  })

  it('logs a fallback at warn, naming both models and why', async () => {
    const logger = capturingLogger(false)
    const { primary, backup, ai } = await setup(logger, {
      fallbacks: { 'primary:m': ['backup:b'] },
      retry: false,
    })
    primary.enqueue({ error: { status: 503 } })
    backup.enqueue({ text: 'from backup' })
    await ai.chat({ messages, requestId: 'r3' })
    await ai.flush()
    expect(summary(logger.lines)).toEqual(['warn aimux fallback', 'warn aimux unpriced model'])
    expect(logger.lines[0]?.obj).toEqual({
      requestId: 'r3',
      from: 'primary:m',
      to: 'backup:b',
      reason: 'provider',
      step: 1,
    })
    await ai.close()
  })

  it('logs a failed call at error, with a key the error echoes masked', async () => {
    const logger = capturingLogger()
    const ai = await createAI({ plugins: [leaky], defaultModel: 'leaky:x', logger })
    await expect(ai.chat({ messages, requestId: 'r4' })).rejects.toThrow(AuthenticationError)
    await ai.flush()
    expect(summary(logger.lines)).toEqual(['debug aimux request', 'error aimux call failed'])
    expect(logger.lines[1]?.obj).toMatchObject({
      requestId: 'r4',
      provider: 'leaky',
      err: { name: 'AuthenticationError', code: 'authentication' },
    })
    expect(JSON.stringify(logger.lines)).not.toContain(KEY)
    expect(JSON.stringify(logger.lines)).toContain('[redacted]')
    await ai.close()
  })

  it('logs a background store failure at error instead of the console, masked', async () => {
    const logger = capturingLogger(false)
    const { primary, ai } = await setup(logger)
    ai.store.usage.recordUsage = async () => {
      throw new Error(`disk full while writing for ${KEY}`)
    }
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    primary.enqueue({ text: 'ok' })
    await ai.chat({ messages })
    await ai.flush()
    expect(summary(logger.lines)).toEqual(['error aimux background work failed'])
    expect(logger.lines[0]?.obj).toEqual({
      source: 'usage records',
      err: { name: 'Error', message: 'disk full while writing for [redacted]' },
    })
    expect(consoleError).not.toHaveBeenCalled()
    await ai.close()
  })

  it("logs a listener's failure and still reports it to 'background:error' listeners", async () => {
    const logger = capturingLogger(false)
    const { primary, ai } = await setup(logger)
    const reported: string[] = []
    ai.on('response', () => {
      throw new Error('listener bug')
    })
    ai.on('background:error', (e) => void reported.push(e.source))
    primary.enqueue({ text: 'ok' })
    await ai.chat({ messages })
    await ai.flush()
    expect(reported).toEqual(["listener for 'response'"])
    expect(logger.lines.map((l) => l.obj.source)).toEqual(["listener for 'response'"])
    await ai.close()
  })

  it('never lets a throwing logger break a call', async () => {
    const broken = () => {
      throw new Error('logger down')
    }
    const { primary, ai } = await setup({ debug: broken, info: broken, warn: broken, error: broken })
    primary.enqueue({ error: { status: 503 } }, { text: 'ok' })
    expect((await ai.chat({ messages })).text).toBe('ok')
    await ai.flush()
    await ai.close()
  })

  it('accepts console, called (obj, msg)', async () => {
    vi.stubEnv('AIMUX_DEBUG', '')
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { primary, ai } = await setup(console, { retry: fast })
    primary.enqueue({ error: { status: 503 } }, { text: 'ok' })
    await ai.chat({ messages })
    await ai.flush()
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ attempt: 1 }), 'aimux retry')
    await ai.close()
  })

  it('refuses a logger without its level methods, naming the field and what is missing', async () => {
    const logger = { debug() {}, info() {} } as unknown as AimuxLogger
    const error = await createAI({ logger }).catch((e: unknown) => e)
    expect(ValidationError.is(error)).toBe(true)
    expect((error as ValidationError).issues).toEqual([
      { path: 'logger', message: 'must have debug, info, warn and error methods; missing warn, error' },
    ])
    await expect(createAI({ logger: 'pino' as unknown as AimuxLogger })).rejects.toThrow(
      /logger: must be a logger/,
    )
  })
})

describe('AIMUX_DEBUG=1', () => {
  /** Runs `body` with stderr captured; returns the lines aimux wrote. */
  async function stderrOf(body: () => Promise<void>): Promise<string[]> {
    const written: string[] = []
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      await body()
    } finally {
      write.mockRestore()
    }
    return written.filter((line) => line.startsWith('aimux '))
  }

  it('prints one line per step of a call to stderr, with no secret', async () => {
    vi.stubEnv('AIMUX_DEBUG', '1')
    const lines = await stderrOf(async () => {
      const primary = mockProvider({ id: 'primary' })
      const backup = mockProvider({ id: 'backup' })
      const ai = await createAI({
        plugins: [primary, backup, leaky],
        defaultModel: 'primary:m',
        retry: fast,
        fallbacks: { 'primary:m': ['backup:b'] },
        prices: [{ provider: 'backup', model: 'b', price: { input: 1, output: 1 } }],
      })
      primary.enqueue({ error: { status: 503 } }, { error: { status: 503 } }, { error: { status: 503 } })
      backup.enqueue({ text: 'ok', usage: { inputTokens: 2, outputTokens: 2 } })
      await ai.chat({ messages, requestId: 'd1' })
      await ai.chat({ messages, model: 'leaky:x', requestId: 'd2' }).catch(() => {})
      await ai.close()
    })
    expect(lines.every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true)
    expect(lines.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      'aimux debug request',
      'aimux warn retry',
      'aimux debug request',
      'aimux warn retry',
      'aimux debug request',
      'aimux warn fallback',
      'aimux debug request',
      'aimux debug response',
      'aimux debug cost',
      'aimux debug request',
      'aimux error call',
    ])
    expect(lines[0]).toBe(
      'aimux debug request requestId=d1 provider=primary model=m step=1 attempt=1 stream=false\n',
    )
    expect(lines[5]).toBe(
      'aimux warn fallback requestId=d1 from=primary:m to=backup:b reason=provider step=1\n',
    )
    expect(lines[8]).toMatch(
      /^aimux debug cost requestId=d1 provider=backup model=b step=1 usd=0\.000004 nanoUsd=4000 source=catalog\n$/,
    )
    expect(lines[10]).toContain('err.code=authentication')
    expect(lines.join('')).not.toContain(KEY)
  })

  it('prints nothing when it is not set', async () => {
    vi.stubEnv('AIMUX_DEBUG', '')
    const lines = await stderrOf(async () => {
      const { primary, ai } = await setup(undefined)
      primary.enqueue({ error: { status: 503 } }, { text: 'ok' })
      await ai.chat({ messages })
      await ai.close()
    })
    expect(lines).toEqual([])
  })
})
