-- A worker says it is alive. ARGV: worker name, ttl (ms), description
redis.call('SET', worker_key(ARGV[1]), ARGV[3], 'PX', ARGV[2])
return 1
