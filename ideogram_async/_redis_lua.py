"""The Lua the Redis budget runs on the server: every change of the shared state is one script.

This module holds text only (no import of ``redis``). The keys of one budget share a hash tag,
``{name}``, so they live in one slot of a Redis Cluster. All times are the server's (``TIME``),
so the clocks of the machines that share a budget never matter.

KEYS: 1 state (hash: capacity, max_capacity, epoch, streak, trusted, strikes, reason),
2 leases (zset: lease id -> expiry ms), 3 weights (hash: lease id -> places), 4 epochs (hash:
lease id -> capacity epoch at grant), 5 queue (zset: ticket -> sequence number), 6 tickets
(hash: ticket -> "weight:claim_ms"), 7 ticket expiry (zset), 8 sequence (counter), 9 the
pause a Retry-After set, 10 the backoff pause (strings with PX; a success ends the backoff).
ARGV: 1 the key prefix (for each waiter's wake-up list), 2 max_capacity, then the script's own.
"""

from __future__ import annotations

__all__ = ["ACQUIRE", "RATE_LIMITED", "RELEASE", "RENEW", "STATE", "SUCCEEDED"]

_COMMON = """
local K_STATE, K_LEASES, K_WEIGHTS, K_EPOCHS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K_QUEUE, K_TICKETS, K_QEXP, K_SEQ = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local K_HARD, K_SOFT = KEYS[9], KEYS[10]
local PREFIX = ARGV[1]
local MAX = tonumber(ARGV[2])
local KEEP_MS = 86400000  -- an idle budget's state is dropped after a day

local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local function capacity()
  local cap = tonumber(redis.call('HGET', K_STATE, 'capacity'))
  if not cap then
    redis.call('HSET', K_STATE, 'capacity', MAX, 'epoch', 0, 'streak', 0, 'trusted', 0,
      'strikes', 0, 'reason', 'start')
    cap = MAX
  end
  -- The ceiling is the one the latest process configured.
  redis.call('HSET', K_STATE, 'max_capacity', MAX)
  if cap > MAX then
    cap = MAX
    redis.call('HSET', K_STATE, 'capacity', cap, 'reason', 'max_capacity')
  end
  redis.call('PEXPIRE', K_STATE, KEEP_MS)
  return cap
end

local function in_use()
  local used = 0
  for _, places in ipairs(redis.call('HVALS', K_WEIGHTS)) do used = used + tonumber(places) end
  return used
end

-- Leases and tickets whose holders stopped renewing them (killed, cut off) are dropped.
local function purge()
  local expired = redis.call('ZRANGEBYSCORE', K_LEASES, '-inf', NOW)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', K_LEASES, '-inf', NOW)
    redis.call('HDEL', K_WEIGHTS, unpack(expired))
    redis.call('HDEL', K_EPOCHS, unpack(expired))
  end
  local gone = redis.call('ZRANGEBYSCORE', K_QEXP, '-inf', NOW)
  if #gone > 0 then
    redis.call('ZREMRANGEBYSCORE', K_QEXP, '-inf', NOW)
    redis.call('ZREM', K_QUEUE, unpack(gone))
    redis.call('HDEL', K_TICKETS, unpack(gone))
  end
end

local function lease(id, places, lease_ms, epoch)
  redis.call('ZADD', K_LEASES, NOW + lease_ms, id)
  redis.call('HSET', K_WEIGHTS, id, places)
  redis.call('HSET', K_EPOCHS, id, epoch)
end

-- Serve the queue in order, as far as the capacity allows; a grant ("places:epoch:pause ms")
-- is pushed to the waiter's own list, which it waits on with BLPOP.
local function grant()
  local cap = capacity()
  local used = in_use()
  local epoch = tonumber(redis.call('HGET', K_STATE, 'epoch'))
  local pause = math.max(0, redis.call('PTTL', K_HARD), redis.call('PTTL', K_SOFT))
  while true do
    local head = redis.call('ZRANGE', K_QUEUE, 0, 0)
    if #head == 0 then break end
    local ticket = head[1]
    local info = redis.call('HGET', K_TICKETS, ticket)
    local weight, claim_ms = 0, 0
    if info then
      weight, claim_ms = string.match(info, '(%d+):(%d+)')
      weight, claim_ms = tonumber(weight), tonumber(claim_ms)
    end
    if weight > 0 then
      local take = math.min(weight, cap)
      if used + take > cap then break end
      -- Until its waiter claims it, a grant lasts only the claim window: a waiter that died
      -- in the queue holds places that briefly, not for a whole lease.
      lease(ticket, take, claim_ms, epoch)
      used = used + take
      local wake = PREFIX .. 'wake:' .. ticket
      -- The waiter starts its call on this alone, and claims the lease beside the call.
      redis.call('RPUSH', wake, take .. ':' .. epoch .. ':' .. pause)
      redis.call('PEXPIRE', wake, claim_ms)
    end
    redis.call('ZREM', K_QUEUE, ticket)
    redis.call('ZREM', K_QEXP, ticket)
    redis.call('HDEL', K_TICKETS, ticket)
  end
end

-- {granted places or 0, epoch of the lease, cooldown ms, capacity, max, in use, waiting,
--  ms to the earliest lease expiry or -1, reason, the ticket's place in the queue or 0}
local function status(id, seq)
  local places, epoch = 0, -1
  if id then
    places = tonumber(redis.call('HGET', K_WEIGHTS, id)) or 0
    epoch = tonumber(redis.call('HGET', K_EPOCHS, id)) or -1
  end
  local cooldown = math.max(0, redis.call('PTTL', K_HARD), redis.call('PTTL', K_SOFT))
  local first = redis.call('ZRANGE', K_LEASES, 0, 0, 'WITHSCORES')
  local next_ms = -1
  if #first > 0 then next_ms = math.max(0, tonumber(first[2]) - NOW) end
  return {
    places, epoch, cooldown, capacity(), MAX, in_use(), redis.call('ZCARD', K_QUEUE), next_ms,
    redis.call('HGET', K_STATE, 'reason') or 'start', seq or 0,
  }
end
"""

ACQUIRE = (
    _COMMON
    + """
-- ARGV 3 lease ms, 4 claim ms, 5 ticket ms (how long a ticket lasts unrefreshed), then for each
-- ticket of this process that asks now (several at once, in the order they asked): its id, its
-- weight, its place in the queue (0 for a new ticket). Enqueue new tickets, refresh the expiry
-- of the others, serve the queue once; called again on timeouts until granted (a grant found
-- here is claimed for a whole lease). A ticket that expired while its waiter was slow comes
-- back in its old place. The reply is the status, then {places, epoch, place in the queue} for
-- each ticket.
purge()
local lease_ms, claim_ms, ticket_ms = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local asked = {}
for i = 6, #ARGV, 3 do
  local ticket, weight, seq = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if not redis.call('HGET', K_WEIGHTS, ticket) then
    local queued = redis.call('ZSCORE', K_QUEUE, ticket)
    if queued then
      seq = tonumber(queued)
    else
      if seq == 0 then seq = redis.call('INCR', K_SEQ) end
      redis.call('ZADD', K_QUEUE, seq, ticket)
      redis.call('HSET', K_TICKETS, ticket, weight .. ':' .. claim_ms)
    end
    redis.call('ZADD', K_QEXP, NOW + ticket_ms, ticket)
  end
  asked[#asked + 1] = {ticket, seq}
end
redis.call('PEXPIRE', K_SEQ, KEEP_MS)
grant()
local answers = {}
for _, ask in ipairs(asked) do
  local ticket = ask[1]
  local places = tonumber(redis.call('HGET', K_WEIGHTS, ticket)) or 0
  local epoch = -1
  if places > 0 then
    redis.call('ZADD', K_LEASES, NOW + lease_ms, ticket)
    redis.call('DEL', PREFIX .. 'wake:' .. ticket)
    epoch = tonumber(redis.call('HGET', K_EPOCHS, ticket))
  end
  answers[#answers + 1] = places
  answers[#answers + 1] = epoch
  answers[#answers + 1] = ask[2]
end
local reply = status(nil, 0)
reply[#reply + 1] = answers
return reply
"""
)

RELEASE = (
    _COMMON
    + """
-- ARGV 3 lease id or ticket: give the places back (or leave the queue), serve the queue.
purge()
local id = ARGV[3]
redis.call('ZREM', K_LEASES, id)
redis.call('HDEL', K_WEIGHTS, id)
redis.call('HDEL', K_EPOCHS, id)
redis.call('ZREM', K_QUEUE, id)
redis.call('ZREM', K_QEXP, id)
redis.call('HDEL', K_TICKETS, id)
redis.call('DEL', PREFIX .. 'wake:' .. id)
grant()
return status(nil, 0)
"""
)

RENEW = (
    _COMMON
    + """
-- ARGV 3 lease id, 4 lease ms, 5 places, 6 epoch. Extend the lease; one that expired meanwhile
-- (its holder was cut off longer than the lease) is claimed again, since its call is still in
-- flight. The reply's first field is 1 when the lease was alive, 0 when it was claimed again.
purge()
local id, lease_ms = ARGV[3], tonumber(ARGV[4])
local alive = 1
if redis.call('ZSCORE', K_LEASES, id) then
  redis.call('ZADD', K_LEASES, NOW + lease_ms, id)
else
  alive = 0
  lease(id, tonumber(ARGV[5]), lease_ms, tonumber(ARGV[6]))
end
local reply = status(id, 0)
reply[1] = alive
return reply
"""
)

RATE_LIMITED = (
    _COMMON
    + """
-- ARGV 3 the limit the server reported (0: none), 4 Retry-After ms (-1: none, pause for the
-- backoff), 5 epoch of the caller's lease (-1: unknown), 6 backoff ms, 7 max backoff ms.
-- As InflightBudget: fit a reported limit, else shrink to what the server had admitted (by at
-- least one place, at most by half). Once per epoch: a 429 from a call granted before the last
-- change reports a capacity already left behind (many processes see one burst of 429s).
purge()
local limit, retry_ms, epoch = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local cap, used = capacity(), in_use()
if limit > 0 or epoch < 0 or epoch >= tonumber(redis.call('HGET', K_STATE, 'epoch')) then
  local shrunk = math.max(1, math.min(cap - 1, math.max(used - 1, math.floor(cap / 2))))
  local new, trusted, reason = shrunk, 0, '429 without a limit, with ' .. used .. ' in flight'
  if limit > 0 then
    local fit = math.min(limit, MAX)
    -- Refused below its own limit: other clients share it, so shrink as well.
    if used > limit then new = fit else new = math.min(fit, shrunk) end
    trusted, reason = 1, '429 reporting a limit of ' .. limit .. ', with ' .. used .. ' in flight'
  end
  redis.call('HSET', K_STATE, 'capacity', new, 'streak', 0, 'trusted', trusted, 'reason', reason)
  if new ~= cap then redis.call('HINCRBY', K_STATE, 'epoch', 1) end
  if new > cap then grant() end
end
if retry_ms >= 0 then
  if redis.call('PTTL', K_HARD) < retry_ms and retry_ms > 0 then
    redis.call('SET', K_HARD, '1', 'PX', retry_ms)
  end
else
  local strikes = redis.call('HINCRBY', K_STATE, 'strikes', 1)
  local pause = math.min(tonumber(ARGV[7]), tonumber(ARGV[6]) * 2 ^ math.min(strikes - 1, 30))
  pause = math.floor(pause)
  if pause > 0 and redis.call('PTTL', K_SOFT) < pause then
    redis.call('SET', K_SOFT, '1', 'PX', pause)
  end
end
return status(nil, 0)
"""
)

SUCCEEDED = (
    _COMMON
    + """
-- ARGV 3 places of the call that succeeded. End a backoff pause (a place came free on the
-- server); grow by one after 4 windows of successes (16 past a reported limit), counted only
-- while the budget is what holds calls back: idle capacity proves nothing.
purge()
redis.call('HSET', K_STATE, 'strikes', 0)
redis.call('DEL', K_SOFT)
local cap = capacity()
if cap < MAX and (redis.call('ZCARD', K_QUEUE) > 0 or in_use() >= cap) then
  local streak = redis.call('HINCRBY', K_STATE, 'streak', math.max(1, tonumber(ARGV[3])))
  local windows = 4
  if redis.call('HGET', K_STATE, 'trusted') == '1' then windows = 16 end
  if streak >= windows * cap then
    redis.call('HSET', K_STATE, 'capacity', cap + 1, 'streak', 0,
      'reason', 'grew after ' .. windows * cap .. ' places succeeded')
    grant()
  end
end
return status(nil, 0)
"""
)

STATE = (
    _COMMON
    + """
purge()
grant()
return status(nil, 0)
"""
)
