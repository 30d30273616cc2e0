# The lease watchdog of one Deployster worker (docs/design.md, "Lease and fencing"). It runs beside
# the worker's JVM, so it still acts while the worker is stopped (SIGSTOP, a long GC pause) or dead.
#
# stdin, from the worker: messages, each a 6-digit decimal length then that many bytes (a line):
#   lease JOB SIDS MILLIS   JOB's lease holds for MILLIS more ms; SIDS are its commands' session (and
#                           process group) ids, comma-separated, 0 when none started yet
#   end JOB                 JOB ended: forget it
# The length lets bash read a message in two or three read() calls: reading up to a newline, or with a
# timeout, it reads a pipe one byte per call and blocks signals around each byte (about 0.25 ms of CPU
# per line, against 0.08 ms per message read this way; bench job-throughput shows it per job).
# stdout, to the worker:
#   fenced JOB              JOB's lease ran out before the next 'lease' message: its processes were killed
#
# When stdin closes (the worker died) every job still known is fenced at once.
set -u
trap '' PIPE # reporting to a worker that died must not end the script before it has killed every job
declare -A deadline=() sessions=()
now=0

tick() { # sets now: ms since boot (monotonic, unlike the wall clock)
  local up rest
  read -r up rest < /proc/uptime
  now=$(( 10#${up/./} * 10 ))
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
    echo "fenced $job" # to a worker that is gone this fails (SIGPIPE is ignored above): the others are still killed
  done
}

tick
next=0 # the earliest deadline, 0 when none; it may be early (that job ended or was renewed): then look again
while true; do
  if (( next && next <= now )); then
    next=0 due=()
    for job in "${!deadline[@]}"; do
      if (( deadline[$job] <= now )); then
        due+=("$job")
      elif (( !next || deadline[$job] < next )); then
        next=${deadline[$job]}
      fi
    done
    if (( ${#due[@]} )); then
      fence 3 "${due[@]}"
      tick
      continue # fencing took time: other deadlines may have come
    fi
  fi
  wait_ms=3600000
  (( next )) && wait_ms=$(( next - now ))
  (( wait_ms < 1 )) && wait_ms=1
  printf -v timeout '%d.%03d' $(( wait_ms / 1000 )) $(( wait_ms % 1000 ))
  # Only the first byte waits with a timeout; the worker writes each message whole, so the rest is
  # there. A byte that arrives as the timeout fires is returned with the timeout's status: it counts.
  digit=""
  read -r -N 1 -t "$timeout" digit
  status=$?
  if [ -n "$digit" ]; then
    while true; do
      read -r -N 5 digits && read -r -N "$(( 10#$digit$digits ))" message || break 2
      tick
      set -f; set -- $message; set +f # its words, never globbed
      case "${1:-}" in
        lease)
          if [ $# -eq 4 ]; then
            deadline[$2]=$(( now + $4 )) sessions[$2]=$3
            (( !next || deadline[$2] < next )) && next=${deadline[$2]}
          fi ;;
        end) [ $# -eq 2 ] && unset "deadline[$2]" "sessions[$2]" ;;
      esac
      # more messages waiting: take them before looking at the deadlines again
      read -r -t 0 && read -r -N 1 digit || break
    done
  elif [ "$status" -le 128 ]; then
    break # end of input: the worker died
  else
    tick
  fi
done
# the worker died: a command it was starting may still come up, so look for a whole second
if (( ${#deadline[@]} )); then
  echo "deployster lease watchdog: the worker is gone; killing the processes of jobs ${!deadline[*]}" >&2
  fence 10 "${!deadline[@]}"
fi
exit 0
