-- A token bucket per key, kept in one hash: tokens left and when they were counted (seconds, microsecond precision
-- from the Redis clock, so every gateway instance agrees on time). Refills continuously at ARGV[1] tokens/s up to
-- ARGV[2]; takes up to ARGV[3] whole tokens (a gateway leases several for a busy key), as many as there are.
-- Returns { tokens taken (0: refused), whole tokens left, milliseconds until one token will be there (0 when taken) }.
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

local taken = math.min(requested, math.floor(tokens))
local wait = 0
if taken >= 1 then
  tokens = tokens - taken
else
  taken = 0
  wait = math.ceil((1 - tokens) / rate * 1000)
end

redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
-- Gone once it would be full again anyway: idle clients cost no memory.
redis.call('PEXPIRE', key, math.ceil(capacity / rate * 1000) + 1000)

return { taken, math.floor(tokens), wait }
