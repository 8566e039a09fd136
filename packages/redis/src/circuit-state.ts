import type {
  CircuitAdmission,
  CircuitChange,
  CircuitPosition,
  CircuitSettings,
  CircuitState,
} from '@aimux/ai-core/store-kit'
import { luaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'

/**
 * How much longer than the breaker's own windows a circuit is kept after its last call: the
 * clocks of several instances differ a little, and a trial call may run long.
 */
const KEEP_EXTRA_MS = 60_000

/**
 * How long a trial call may be out before it is taken as lost (its process ended without
 * recording or releasing it) and the next call becomes the trial: the longer of this, as long as
 * an attempt may take by default, and the breaker's openMs, so that a slow but healthy trial is
 * not doubled.
 */
const LOST_TRIAL_MS = 300_000

// KEYS: the circuit's hash (position, openUntil, trialAt while a trial call is out, seq), the
// sorted set of its successes and that of its failures, each scored by the time it ended.
const prelude = `
local at = tonumber(ARGV[1])
local position = redis.call('HGET', KEYS[1], 'position') or 'closed'
local changes = {}

local function rate()
  local ok = redis.call('ZCARD', KEYS[2])
  local failed = redis.call('ZCARD', KEYS[3])
  if ok + failed == 0 then return 0 end
  return failed / (ok + failed)
end

local function move(to, failure_rate)
  if position == to then return end
  changes[#changes + 1] = position
  changes[#changes + 1] = to
  changes[#changes + 1] = string.format('%.17g', failure_rate)
  position = to
  redis.call('HSET', KEYS[1], 'position', to)
end

local function keep(ms)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ms) end
end
`

// ARGV: at, how long a trial may be out, how long to keep the circuit. Answers {1, trial (1 or 0), changes...} or
// {0, retryAfterMs, changes...}, each change three values: from, to, failure rate.
const admitScript = luaScript(
  'circuit-admit',
  `${prelude}
local trial_ms = tonumber(ARGV[2])
local open_until = tonumber(redis.call('HGET', KEYS[1], 'openUntil')) or 0
if position == 'open' and at >= open_until then
  redis.call('HDEL', KEYS[1], 'trialAt')
  move('half-open', rate())
end
-- A trial out for longer than it may take is taken as lost (its process ended): the next call
-- becomes the trial.
local trial_at = tonumber(redis.call('HGET', KEYS[1], 'trialAt'))
local trial_out = position == 'half-open' and trial_at ~= nil and at < trial_at + trial_ms
local reply
if position == 'open' or trial_out then
  reply = { 0, string.format('%.17g', math.max(0, open_until - at)) }
else
  local trial = position == 'half-open'
  if trial then redis.call('HSET', KEYS[1], 'trialAt', ARGV[1]) end
  reply = { 1, trial and 1 or 0 }
end
if redis.call('EXISTS', KEYS[1]) == 1 then keep(tonumber(ARGV[3])) end
for _, value in ipairs(changes) do reply[#reply + 1] = value end
return reply
`,
)

// ARGV: at, ok (1 or 0), trial (1 or 0), failureRate, minRequests, windowMs, openMs, how long to
// keep the circuit. Answers the changes, three values each.
const recordScript = luaScript(
  'circuit-record',
  `${prelude}
local ok = ARGV[2] == '1'
local open_ms = tonumber(ARGV[7])
local outcome = ok and KEYS[2] or KEYS[3]
local id = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if ARGV[3] == '1' then
  redis.call('HDEL', KEYS[1], 'trialAt')
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('ZADD', outcome, at, id)
  if ok then
    move('closed', 0)
  else
    redis.call('HSET', KEYS[1], 'openUntil', string.format('%.17g', at + open_ms))
    move('open', 1)
  end
else
  local gone = string.format('%.17g', at - tonumber(ARGV[6]))
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', gone)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', gone)
  redis.call('ZADD', outcome, at, id)
  local total = redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])
  local failure_rate = rate()
  if total >= tonumber(ARGV[5]) and failure_rate >= tonumber(ARGV[4]) then
    redis.call('HSET', KEYS[1], 'openUntil', string.format('%.17g', at + open_ms))
    move('open', failure_rate)
  end
end
keep(tonumber(ARGV[8]))
return changes
`,
)

// Frees the slot of a half-open circuit's trial call that ended without an outcome. No ARGV.
const releaseScript = luaScript(
  'circuit-release',
  `if redis.call('HGET', KEYS[1], 'position') == 'half-open' then redis.call('HDEL', KEYS[1], 'trialAt') end
return 1
`,
)

export const circuitScripts = [admitScript, recordScript, releaseScript]

/** Three values a change each, as the scripts answer them. */
function changesOf(values: readonly unknown[]): CircuitChange[] {
  const changes: CircuitChange[] = []
  for (let i = 0; i + 2 < values.length; i += 3) {
    changes.push({
      from: String(values[i]) as CircuitPosition,
      to: String(values[i + 1]) as CircuitPosition,
      failureRate: Number(String(values[i + 2])),
    })
  }
  return changes
}

/**
 * Circuit breakers in Redis, one per key ('provider:model'), moved by Lua scripts so that every
 * instance sees one position and exactly one of them gets a half-open circuit's trial call.
 * Outcomes are kept for `windowMs` as the in-memory breaker keeps them; a circuit not called for
 * its windows and a minute more is dropped by Redis.
 */
export function createRedisCircuits(link: RedisLink, prefix: string): CircuitState {
  const keysOf = (key: string) => [
    `${prefix}circuit:state:${key}`,
    `${prefix}circuit:ok:${key}`,
    `${prefix}circuit:failed:${key}`,
  ]
  const keepMs = (settings: CircuitSettings) =>
    String(Math.ceil(Math.max(settings.windowMs, settings.openMs) + KEEP_EXTRA_MS))
  const trialMs = (settings: CircuitSettings) => String(Math.max(settings.openMs, LOST_TRIAL_MS))

  return {
    async admit(key, settings, at): Promise<CircuitAdmission> {
      const reply = (await link.script(
        `admit a call through the circuit of ${key}`,
        admitScript,
        keysOf(key),
        [String(at), trialMs(settings), keepMs(settings)],
      )) as unknown[]
      const changes = changesOf(reply.slice(2))
      if (Number(reply[0]) === 1) return { ok: true, trial: Number(reply[1]) === 1, changes }
      return { ok: false, retryAfterMs: Number(String(reply[1])), changes }
    },

    async record(key, outcome, settings, at) {
      const reply = (await link.script(`record a call on the circuit of ${key}`, recordScript, keysOf(key), [
        String(at),
        outcome.ok ? '1' : '0',
        outcome.trial ? '1' : '0',
        String(settings.failureRate),
        String(settings.minRequests),
        String(settings.windowMs),
        String(settings.openMs),
        keepMs(settings),
      ])) as unknown[]
      return changesOf(reply)
    },

    async release(key) {
      await link.script(
        `release the trial call of the circuit of ${key}`,
        releaseScript,
        keysOf(key).slice(0, 1),
        [],
      )
    },
  }
}
