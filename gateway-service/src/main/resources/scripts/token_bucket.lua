-- A token bucket per key, kept in one hash: tokens left and when they were counted (seconds, microsecond precision
-- from the Redis clock, so every gateway instance agrees on time). Refills continuously at ARGV[1] tokens/s up to
-- ARGV[2]; takes ARGV[3] tokens when there are enough.
-- Returns { allowed (1/0), whole tokens left, milliseconds until the request could be admitted (0 when allowed) }.
redis.replicate_commands()

local key = KEYS[1]
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local requested = tonumber(ARGV[3])

local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000

local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)

local allowed = tokens >= requested
local wait = 0
if allowed then
  tokens = tokens - requested
else
  wait = math.ceil((requested - tokens) / rate * 1000)
end

redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
-- Gone once it would be full again anyway: idle clients cost no memory.
redis.call('PEXPIRE', key, math.ceil(capacity / rate * 1000) + 1000)

return { allowed and 1 or 0, math.floor(tokens), wait }
