-- Records a callback's delivery on the hash of the job or workflow it belongs to (docs/workflows.md,
-- "Callbacks"). Written only while the hash exists: a hash that expired must not come back holding
-- nothing but this record.
-- KEYS: 1 job:{id} (a workflow's too)
-- ARGV: 1 the delivery record (JSON: url, state, attempts, httpStatus, error, signedWith, updatedAt, deliveredAt)
-- Returns: {REPLY_OK} when recorded | {REPLY_UNKNOWN} when the hash does not exist (nothing was written)
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {REPLY_UNKNOWN}
end
redis.call('HSET', KEYS[1], FIELD_CALLBACK, ARGV[1])
return {REPLY_OK}
