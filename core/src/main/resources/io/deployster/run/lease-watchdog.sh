# The lease watchdog of one Deployster worker (docs/design.md, "Lease and fencing"). It runs beside
# the worker's JVM, so it still acts while the worker is stopped (SIGSTOP, a long GC pause) or dead.
#
# stdin, from the worker: messages, each a 6-digit decimal length then that many bytes (a line):
#   lease JOB SIDS UNTIL    JOB's lease holds until UNTIL, in 1/100 s since boot (/proc/uptime's clock);
#                           SIDS are its commands' session (and process group) ids, comma-separated, 0
#                           when none started yet
#   end JOB                 JOB ended: forget it
# The length lets bash read a message in two read() calls: reading up to a newline, or with a timeout,
# it reads a pipe one byte per call and blocks signals around each byte.
# stdout, to the worker:
#   fenced JOB              JOB's lease ran out before the next 'lease' message: its processes were killed
#
# When stdin closes (the worker died) every job still known is fenced at once.
#
# A deadline is a time, not a duration, so a message may be read late without moving it. While messages
# keep coming, the script takes them every POLL_CENTIS, all at once, and wakes in between only for a
# deadline: waking for each one cost about 0.1 ms of CPU, a few times per job (bench job-throughput).
# Before it fences, it takes every message waiting, so a renewal the worker sent in time counts.
set -u
trap '' PIPE # reporting to a worker that died must not end the script before it has killed every job
declare -A deadline=() sessions=()
now=0
POLL_CENTIS=5
exec {pause}<> <(:) # a pipe nobody writes to: a read of it with a timeout is a sleep without a process

tick() { # sets now: 1/100 s since boot (monotonic, unlike the wall clock)
  local up rest
  read -r up rest < /proc/uptime
  now=$(( 10#${up/./} ))
}

seconds() { # CENTIS: as read -t takes it
  printf -v timeout '%d.%02d' $(( $1 / 100 )) $(( $1 % 100 ))
}

kill_all() { # SIDS JOB...: KILL every process in the sessions or process groups SIDS (comma-separated), or
             # whose environment names one of the JOBs. One cat, awk and grep over /proc, not a loop in bash.
  local sids=$1 pid job patterns=()
  shift
  for job in "$@"; do
    patterns+=(-e "DEPLOYSTER_JOB_ID=$job")
  done
  for pid in $( { cat /proc/[0-9]*/stat 2>/dev/null | awk -v sids=",$sids," '{ pid = $1; sub(/^.*\) /, "");
                    if (index(sids, "," $4 ",") || index(sids, "," $3 ",")) print pid }'
                  grep -lsaxzF "${patterns[@]}" /proc/[0-9]*/environ 2>/dev/null | sed 's|^/proc/\([0-9]*\)/environ$|\1|'
                } | sort -u ); do
    [ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null
  done
}

fence() { # ROUNDS JOB...: kill the JOBs' processes together, looking again ROUNDS times 100 ms apart for one
          # whose start was under way (forked but not yet in the job's session or environment). All at
          # once: one job after another would take ROUNDS tenths of a second each, while the locks expire.
  local rounds=$1 sids="" sid job i
  shift
  for job in "$@"; do
    for sid in ${sessions[$job]//,/ }; do
      if [ "$sid" != 0 ]; then
        kill -KILL -- "-$sid" 2>/dev/null
        sids="$sids,$sid"
      fi
    done
  done
  for (( i = 0; i < rounds; i++ )); do
    kill_all "${sids#,}" "$@"
    sleep 0.1
  done
  for job in "$@"; do
    unset "deadline[$job]" "sessions[$job]"
    echo "fenced $job" 2>/dev/null # to a worker that is gone this fails (SIGPIPE is ignored above): the others are still killed
  done
}

next=0  # the earliest deadline, 0 when none; it may be early (that job ended or was renewed): then look again
first="" # the first digit of a message's length, read while waiting for input
while true; do
  taken=0
  while [ -n "$first" ] || read -r -t 0; do # a message waiting, or the end of input
    if [ -n "$first" ]; then
      read -r -N 5 length || break 2
      length=$first$length first=""
    else
      read -r -N 6 length || break 2
    fi
    read -r -N "$(( 10#$length ))" message || break 2
    taken=1
    set -f; set -- $message; set +f # its words, never globbed
    case "${1:-}" in
      lease)
        if [ $# -eq 4 ]; then
          deadline[$2]=$4 sessions[$2]=$3
          (( !next || $4 < next )) && next=$4
        fi ;;
      end) [ $# -eq 2 ] && unset "deadline[$2]" "sessions[$2]" ;;
    esac
  done
  tick
  if (( next && next <= now )); then
    next=0 due=()
    for job in "${!deadline[@]}"; do
      # with the due ones, those due within the next 0.1 s: leases renewed together lapse together,
      # their deadlines a hundredth or two apart, and are killed in one sweep (LeaseKeeper allows for it)
      if (( deadline[$job] <= now + 10 )); then
        due+=("$job")
      elif (( !next || deadline[$job] < next )); then
        next=${deadline[$job]}
      fi
    done
    if (( ${#due[@]} )); then
      fence 3 "${due[@]}"
      continue # fencing took time: messages and other deadlines may have come
    fi
  fi
  wait=360000
  (( next )) && wait=$(( next - now ))
  if (( taken )); then
    # messages are coming: let the next ones gather, waking only for a deadline
    (( wait > POLL_CENTIS )) && wait=$POLL_CENTIS
    seconds "$wait"
    read -r -t "$timeout" -u "$pause" _
  else
    # quiet: wait for a message or a deadline. A byte that arrives as the timeout fires is returned
    # with the timeout's status: it counts.
    seconds "$wait"
    read -r -N 1 -t "$timeout" first
    status=$?
    if [ -z "$first" ] && [ "$status" -le 128 ]; then
      break # end of input: the worker died
    fi
  fi
done
# the worker died: a command it was starting may still come up, so look for a whole second
if (( ${#deadline[@]} )); then
  echo "deployster lease watchdog: the worker is gone; killing the processes of jobs ${!deadline[*]}" >&2
  fence 10 "${!deadline[@]}"
fi
exit 0
