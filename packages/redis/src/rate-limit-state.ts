import type { RateLimitCheck, RateLimitDecision, RateLimitState } from '@aimux/ai-core/store-kit'
import { luaScript } from './lua-script.js'
import type { RedisLink } from './redis-link.js'

/** A window's span and bucket, as the in-memory rate limiter counts them. */
const windows = {
  minute: { spanMs: 60_000, bucketMs: 1_000 },
  day: { spanMs: 86_400_000, bucketMs: 60_000 },
} as const

// What both scripts share. KEYS holds two keys per distinct (counter, window): a hash of the
// window's totals ('r' requests, 't' tokens), then a list of its buckets, oldest first, each
// "<index> <requests> <tokens>" (a list of short strings is the most compact form Redis has).
// ARGV[1] is the caller's time, ARGV[2] the number of windows, then each window's bucket and
// span in milliseconds.
const prelude = `
local at = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local windows = {}
for i = 1, count do
  windows[i] = {
    totals = KEYS[2 * i - 1],
    buckets = KEYS[2 * i],
    bucket = tonumber(ARGV[1 + 2 * i]),
    span = tonumber(ARGV[2 + 2 * i]),
  }
end

local function parse(entry)
  local index, requests, tokens = string.match(entry, '^(%S+) (%S+) (%S+)$')
  return tonumber(index), tonumber(requests), tonumber(tokens)
end

-- A bucket leaves the window once its end is more than the span ago.
local function leaves_at(w, index)
  return (index + 1) * w.bucket + w.span
end

-- Calls visit(index, requests, tokens) on each bucket, oldest first, until it answers true;
-- answers how many buckets it was called on before that.
local function each_bucket(w, visit)
  local seen = 0
  while true do
    local chunk = redis.call('LRANGE', w.buckets, seen, seen + 99)
    for _, entry in ipairs(chunk) do
      if visit(parse(entry)) then return seen end
      seen = seen + 1
    end
    if #chunk < 100 then return seen end
  end
end

local function prune(w)
  local requests, tokens = 0, 0
  local gone = each_bucket(w, function(index, r, t)
    if leaves_at(w, index) > at then return true end
    requests = requests + r
    tokens = tokens + t
  end)
  if gone == 0 then return end
  redis.call('LTRIM', w.buckets, gone, -1)
  if redis.call('EXISTS', w.buckets) == 0 then
    redis.call('DEL', w.totals)
    return
  end
  -- Zero is skipped: Redis reads the -0 it would be sent as no integer.
  if requests ~= 0 then redis.call('HINCRBY', w.totals, 'r', -requests) end
  if tokens ~= 0 then redis.call('HINCRBY', w.totals, 't', -tokens) end
end

local function add(w, requests, tokens)
  local index = math.floor(at / w.bucket)
  local newest = index
  local last = redis.call('LINDEX', w.buckets, -1)
  local last_index, last_requests, last_tokens
  if last then last_index, last_requests, last_tokens = parse(last) end
  if last_index == index then
    local entry = string.format('%d %d %d', index, last_requests + requests, last_tokens + tokens)
    redis.call('LSET', w.buckets, -1, entry)
  else
    redis.call('RPUSH', w.buckets, string.format('%d %d %d', index, requests, tokens))
    if last_index and last_index > index then newest = last_index end
  end
  if requests ~= 0 then redis.call('HINCRBY', w.totals, 'r', requests) end
  if tokens ~= 0 then redis.call('HINCRBY', w.totals, 't', tokens) end
  -- Kept until the newest bucket has left the window, and one bucket longer for the clocks of
  -- other instances that run a little behind.
  local ttl = math.ceil(leaves_at(w, newest) + w.bucket - at)
  redis.call('PEXPIRE', w.totals, ttl)
  redis.call('PEXPIRE', w.buckets, ttl)
end
`

// After the windows, ARGV holds the checks, three values each: the window's number, the field
// it counts ('r' or 't') and its max. Answers {1} when every check had room (one request is then
// counted on every window), else {0, the 0-based index of the check with the longest wait, the
// wait in milliseconds}.
const acquireScript = luaScript(
  'acquire',
  `${prelude}
local function wait_until_below(w, field, max)
  local used = tonumber(redis.call('HGET', w.totals, field)) or 0
  if used < max then return 0 end
  local wait = w.span
  each_bucket(w, function(index, requests, tokens)
    used = used - (field == 'r' and requests or tokens)
    if used < max then
      wait = leaves_at(w, index) - at
      return true
    end
  end)
  return wait
end

for i = 1, count do prune(windows[i]) end
local longest, blocking, check = 0, -1, 0
for i = 3 + 2 * count, #ARGV, 3 do
  local wait = wait_until_below(windows[tonumber(ARGV[i])], ARGV[i + 1], tonumber(ARGV[i + 2]))
  if wait > longest then
    longest = wait
    blocking = check
  end
  check = check + 1
end
if blocking >= 0 then return { 0, blocking, string.format('%.17g', longest) } end
for i = 1, count do add(windows[i], 1, 0) end
return { 1 }
`,
)

// After the windows, ARGV holds the tokens to count on each.
const addTokensScript = luaScript(
  'add-tokens',
  `${prelude}
local tokens = tonumber(ARGV[3 + 2 * count])
for i = 1, count do
  prune(windows[i])
  add(windows[i], 0, tokens)
end
return 1
`,
)

export const rateLimitScripts = [acquireScript, addTokensScript]

/**
 * Sliding-window counters in Redis, with the buckets and the waits of the in-memory rate limiter
 * (rate-window.ts in ai-core). A counter's window is a hash of its totals and a list of its
 * buckets under `<prefix>rate:<window>:`, dropped by Redis once its newest bucket has left the window.
 */
export function createRedisRateLimits(link: RedisLink, prefix: string): RateLimitState {
  /** The keys and arguments of the distinct windows the checks name, and each check's window. */
  const windowsOf = (checks: readonly RateLimitCheck[]) => {
    const numbers = new Map<string, number>()
    const keys: string[] = []
    const args: string[] = []
    const numberOf = checks.map(({ key, window }) => {
      const id = `${window}:${key}`
      let number = numbers.get(id)
      if (number === undefined) {
        const { spanMs, bucketMs } = windows[window]
        number = numbers.size + 1
        numbers.set(id, number)
        keys.push(`${prefix}rate:${window}:totals:${key}`, `${prefix}rate:${window}:buckets:${key}`)
        args.push(String(bucketMs), String(spanMs))
      }
      return number
    })
    return { keys, args, count: numbers.size, numberOf }
  }

  return {
    async acquire(checks, at): Promise<RateLimitDecision> {
      if (checks.length === 0) return { ok: true }
      const { keys, args, count, numberOf } = windowsOf(checks)
      const checkArgs = checks.flatMap((check, i) => [
        String(numberOf[i]),
        check.kind === 'requests' ? 'r' : 't',
        String(check.max),
      ])
      const reply = (await link.script('count a request against rate limits', acquireScript, keys, [
        String(at),
        String(count),
        ...args,
        ...checkArgs,
      ])) as unknown[]
      if (Number(reply[0]) === 1) return { ok: true }
      return { ok: false, check: Number(reply[1]), waitMs: Number(String(reply[2])) }
    },

    async addTokens(checks, tokens, at) {
      const amount = Math.round(tokens)
      if (checks.length === 0 || !(amount > 0)) return
      const { keys, args, count } = windowsOf(checks)
      await link.script('count tokens against rate limits', addTokensScript, keys, [
        String(at),
        String(count),
        ...args,
        String(amount),
      ])
    },
  }
}
