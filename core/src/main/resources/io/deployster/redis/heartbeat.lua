-- A worker says it is alive.
-- KEYS: 1 worker:{name}, 2 workers
-- ARGV: 1 worker name, 2 ttl (ms), 3 description (queues=a,b running=1/4 at=EPOCH_MS)
-- Returns: {REPLY_OK}
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
-- kept without a TTL: once the key above expires, operators still see the worker, as dead
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return {REPLY_OK}
