-- Helpers shared by every script of the protocol (docs/protocol.md). In front of this file come the
-- protocol's words (FIELD_*, ENTRY_*, LOG_*, EVENT_*, STATUS_*, REPLY_*, GROUP: LuaVocabulary) and the
-- key functions (job_key, lock_key, ...: Keys.luaPreamble).
--
-- KEYS: the scripts on one job (submit, start, finish, cancel, reject, workflow-submit, workflow-start)
-- declare the same first nine keys, in the order Keys.jobScriptKeys gives them:
--   KEYS[1] running  KEYS[2] handed-over  KEYS[3] waiting-projects   (the namespace's index sets)
--   KEYS[4] job:{id}  KEYS[5] log:{id}                                 (the job's slot)
--   KEYS[6] lock:{p}  KEYS[7] waiters:{p}  KEYS[8] fence:{p}  KEYS[9] history:{p}   (the project's slot)
-- and add their own after them. sweep declares only the first three. The key functions are used only
-- for keys a script finds while it runs, which no caller can declare (docs/protocol.md, "Hash slots"):
-- the next job a lock is handed to, its queue, the job a parked one waits behind, and a sweep's jobs.

local INDEX = {running = KEYS[1], handed_over = KEYS[2], waiting_projects = KEYS[3]}

-- The keys of one project (its slot), by name, from the declared KEYS or, in a sweep, built.
local function declared_project()
  return {lock = KEYS[6], waiters = KEYS[7], fence = KEYS[8], history = KEYS[9]}
end

local function project_keys(project)
  return {lock = lock_key(project), waiters = waiters_key(project), fence = fence_key(project), history = history_key(project)}
end

-- The callers passed keys of the project the job's hash names (a job never changes project); refuse
-- before writing anything when they did not, as the keys would belong to another project.
local function check_project(job, declared)
  local project = redis.call('HGET', job, FIELD_PROJECT)
  if project and project ~= declared then
    return redis.error_reply('WRONGPROJECT the keys passed are of project ' .. declared .. ' but job hash '
      .. job .. ' belongs to project ' .. project)
  end
  return nil
end

local function log_event(log, maxlen, ...)
  return redis.call('XADD', log, 'MAXLEN', '~', maxlen, '*', ...)
end

-- An entry is removed once acted on, so a queue stream holds only work not yet done.
local function consume(queue, entry)
  redis.call('XACK', queue, GROUP, entry)
  redis.call('XDEL', queue, entry)
end

-- The job the project's lock must name for the job of hash `job` (id `id`) to run: its workflow, for a
-- task of one (a workflow holds its project's lock for its whole run, and its tasks run under it), else
-- the job itself.
local function lock_owner(job, id)
  local wf = redis.call('HGET', job, FIELD_WORKFLOW)
  if wf and wf ~= '' then
    return wf
  end
  return id
end

-- Epoch ms on Redis' own clock: a lease kept on a job hash is compared on one clock, whichever
-- worker's clock is off.
local function redis_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A workflow task's own lease (ttl ms from now): the lock it runs under is its workflow's, which the
-- coordinator keeps while the task's worker may be gone; sweep ends the task as lost once this ran out.
local function renew_task_lease(job, ttl)
  redis.call('HSET', job, FIELD_LEASE_UNTIL, redis_now() + tonumber(ttl))
end

-- Grants the project's lock to job id (hash `job`) for one lease (ms) and numbers the grant with the
-- project's next fencing token, recorded on the job. Returns the token.
local function grant(P, job, id, ttl)
  redis.call('SET', P.lock, id, 'PX', ttl)
  local token = redis.call('INCR', P.fence)
  redis.call('HSET', job, FIELD_FENCING_TOKEN, token)
  return token
end

-- Gives the project's lock to its oldest job not started yet (the head of waiters:, which is in submit
-- order) and frees it when there is none. A waiting job is put back on its queue so an idle worker
-- starts it at once; a queued one is still in its queue and starts when a worker takes it. The job stays
-- at the head until it starts: should its grant lapse first, it is granted again, still first. Returns
-- the id of the job that got the lock, or ''. Touches undeclared keys: the next job's hash and queue.
local function hand_off(P, project, ttl)
  while true do
    local next_id = redis.call('LINDEX', P.waiters, 0)
    if not next_id then
      redis.call('DEL', P.lock)
      redis.call('SREM', INDEX.waiting_projects, project)
      return ''
    end
    local jk = job_key(next_id)
    local status = redis.call('HGET', jk, FIELD_STATUS)
    if status == STATUS_WAITING or status == STATUS_QUEUED then
      grant(P, jk, next_id, ttl)
      redis.call('SADD', INDEX.handed_over, next_id)
      -- a workflow has no queue: its coordinator starts it once it holds the lock
      if status == STATUS_WAITING and redis.call('HGET', jk, FIELD_KIND) ~= FIELD_KIND_WORKFLOW then
        local f = redis.call('HMGET', jk, FIELD_QUEUE, FIELD_SPEC, FIELD_KID, FIELD_IAT, FIELD_SIG)
        local entry = redis.call('XADD', queue_key(f[1]), '*', ENTRY_JOB, next_id, ENTRY_SPEC, f[2], ENTRY_KID, f[3] or '',
          ENTRY_IAT, f[4] or '', ENTRY_SIG, f[5] or '')
        redis.call('HSET', jk, FIELD_QUEUE_ENTRY, entry)
      end
      return next_id
    end
    redis.call('LPOP', P.waiters) -- it ended before it started
  end
end

-- Adds an ended job to the front of its project's history, which keeps the last `keep` deploys and
-- outlives the job's own hash. ref and commit live only in the spec; a spec that is not JSON (a
-- rejected entry) just leaves them out.
local function add_history(P, job, id, keep)
  local f = redis.call('HMGET', job, FIELD_SPEC, FIELD_SUBMITTED_BY, FIELD_WORKER, FIELD_STATUS, FIELD_SUBMITTED_AT,
    FIELD_STARTED_AT, FIELD_ENDED_AT, FIELD_REASON, FIELD_QUEUE)
  for i = 1, 9 do if not f[i] then f[i] = nil end end -- a missing field is left out, not written as false
  local ok, spec = pcall(cjson.decode, f[1] or '')
  if not ok or type(spec) ~= 'table' then spec = {} end
  redis.call('LPUSH', P.history, cjson.encode({id = id, ref = spec.ref, commit = spec.commit, submittedBy = f[2],
    worker = f[3], status = f[4], submittedAt = f[5], startedAt = f[6], endedAt = f[7], reason = f[8], queue = f[9]}))
  redis.call('LTRIM', P.history, 0, (tonumber(keep) or 1000) - 1)
end

-- Whether job id (hash `job`) of project may run now, keeping the project's submit order: it may when
-- the lock is its own (granted earlier), or free with id at the head of waiters: (a free lock goes to the
-- head first, not to whichever entry a worker happened to take first). When it may, it holds the lock
-- for a whole lease of ttl from now (a lock handed over earlier kept the TTL of whoever handed it) and
-- leaves waiters:. Returns true and the fencing token, or false and the job it must wait behind, which
-- then has it in waiters: in submit order.
local function acquire_in_order(P, project, job, id, ttl)
  local holder = redis.call('GET', P.lock)
  if not holder then
    local head = redis.call('LINDEX', P.waiters, 0)
    if head and head ~= id then
      holder = hand_off(P, project, ttl)
      if holder == '' or holder == id then
        holder = redis.call('GET', P.lock)
      end
    end
  end
  if holder and holder ~= id then
    if not redis.call('LPOS', P.waiters, id) then
      redis.call('RPUSH', P.waiters, id)
    end
    redis.call('SADD', INDEX.waiting_projects, project)
    return false, holder
  end
  local token = redis.call('HGET', job, FIELD_FENCING_TOKEN)
  if holder ~= id or not token then
    token = grant(P, job, id, ttl)
  else
    redis.call('SET', P.lock, id, 'PX', ttl)
  end
  redis.call('LREM', P.waiters, 0, id)
  if redis.call('LLEN', P.waiters) == 0 then
    redis.call('SREM', INDEX.waiting_projects, project)
  end
  redis.call('SREM', INDEX.handed_over, id)
  return true, token
end

-- Records a terminal state of job id (hash `job`, log `log`), closes the log with a 'finished' event,
-- starts the retention clock, adds the job to its project's history and passes the lock on. P: the keys
-- of the job's project, or nil when it has none (a malformed entry). Returns the id of the job that got
-- the lock, or ''.
local function finish(P, job, log, id, status, exit, failed, reason, now, ttl, maxlen, retention, keep)
  redis.call('HSET', job, FIELD_STATUS, status, FIELD_ENDED_AT, now, FIELD_REASON, reason)
  if exit ~= '' then redis.call('HSET', job, FIELD_EXIT_CODE, exit) end
  if failed ~= '' then redis.call('HSET', job, FIELD_FAILED_COMMAND, failed) end
  log_event(log, maxlen, LOG_EVENT, EVENT_FINISHED, LOG_TS, now, LOG_STATUS, status, LOG_EXIT, exit, LOG_FAILED, failed,
    LOG_REASON, reason)
  redis.call('SREM', INDEX.running, id)
  redis.call('SREM', INDEX.handed_over, id)
  redis.call('EXPIRE', job, retention)
  redis.call('EXPIRE', log, retention)
  local project = redis.call('HGET', job, FIELD_PROJECT)
  if not P or not project or project == '' then
    return ''
  end
  add_history(P, job, id, keep)
  -- a job that ends before it started must not hold up the project's order
  redis.call('LREM', P.waiters, 0, id)
  if redis.call('GET', P.lock) == id then
    local next_id = hand_off(P, project, ttl)
    -- when the lock passed on: the next job's start then tells the hand-off latency (metrics)
    if next_id ~= '' then redis.call('HSET', job_key(next_id), FIELD_LOCK_HANDED_AT, now) end
    return next_id
  end
  return ''
end

local function is_terminal(status)
  return status ~= STATUS_QUEUED and status ~= STATUS_WAITING and status ~= STATUS_RUNNING
end
