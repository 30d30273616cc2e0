-- A worker says it is alive. ARGV: worker name, ttl (ms), description
redis.call('SET', worker_key(ARGV[1]), ARGV[3], 'PX', ARGV[2])
-- kept without a TTL: once the key above expires, operators still see the worker, as dead
redis.call('HSET', workers_key(), ARGV[1], ARGV[3])
return 1
