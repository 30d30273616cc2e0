-- A coordinator gives up driving a workflow: deletes the driver mutex when it is still its own.
-- KEYS: 1 driver:{workflow id}
-- ARGV: 1 driver (worker name)
-- Returns: {REPLY_OK} (released) | {REPLY_ALREADY} (it had expired, or another coordinator holds it now)
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {REPLY_OK}
end
return {REPLY_ALREADY}
