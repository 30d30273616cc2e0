-- Hands on locks that expired while jobs waited for them (their holder died without finishing).
-- ARGV: ttl. Returns the ids of the jobs that got a lock.
local started = {}
for _, project in ipairs(redis.call('SMEMBERS', waiting_projects_key())) do
  if redis.call('EXISTS', lock_key(project)) == 0 then
    local next_id = hand_off(project, ARGV[1])
    if next_id ~= '' then
      table.insert(started, next_id)
    end
  end
end
return started
