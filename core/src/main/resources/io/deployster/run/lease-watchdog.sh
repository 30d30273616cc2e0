# The lease watchdog of one Deployster worker (docs/design.md, "Lease and fencing"). It runs beside
# the worker's JVM, so it still acts while the worker is stopped (SIGSTOP, a long GC pause) or dead.
#
# stdin, one line each, from the worker:
#   lease JOB SIDS MILLIS   JOB's lease holds for MILLIS more ms; SIDS are its commands' session (and
#                           process group) ids, comma-separated, 0 when none started yet
#   end JOB                 JOB ended: forget it
# stdout, to the worker:
#   fenced JOB              JOB's lease ran out before the next 'lease' line: its processes were killed
#
# When stdin closes (the worker died) every job still known is fenced at once.
set -u
declare -A deadline=() sessions=()
now=0

tick() { # sets now: ms since boot (monotonic, unlike the wall clock)
  local up rest
  read -r up rest < /proc/uptime
  now=$(( 10#${up/./} * 10 ))
}

fence() { # JOB: KILL its commands' process groups at once, then every process in their sessions or
          # whose environment names the job (a process that left both is out of reach)
  local job=$1 sid p line rest v
  local -a f env
  local -A mine=()
  for sid in ${sessions[$job]//,/ }; do
    if [ "$sid" != 0 ]; then
      mine[$sid]=1
      kill -KILL -- "-$sid" 2>/dev/null
    fi
  done
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    read -r line 2>/dev/null < "$p/stat" || continue
    rest=${line##*) }
    read -r -a f <<< "$rest"
    # f: state ppid pgrp session ... (proc(5) fields 3 to 6)
    if [ -n "${mine[${f[3]:-x}]:-}" ] || [ -n "${mine[${f[2]:-x}]:-}" ]; then
      kill -KILL "${p#/proc/}" 2>/dev/null
      continue
    fi
    mapfile -d "" -t env 2>/dev/null < "$p/environ" || continue
    for v in "${env[@]}"; do
      if [ "$v" = "DEPLOYSTER_JOB_ID=$job" ]; then
        kill -KILL "${p#/proc/}" 2>/dev/null
        break
      fi
    done
  done
  unset "deadline[$job]" "sessions[$job]"
  echo "fenced $job"
}

while true; do
  tick
  next=""
  for job in "${!deadline[@]}"; do
    if [ "${deadline[$job]}" -le "$now" ]; then
      fence "$job"
    elif [ -z "$next" ] || [ "${deadline[$job]}" -lt "$next" ]; then
      next=${deadline[$job]}
    fi
  done
  wait_ms=3600000
  [ -n "$next" ] && wait_ms=$(( next - now ))
  [ "$wait_ms" -lt 1 ] && wait_ms=1
  printf -v timeout '%d.%03d' $(( wait_ms / 1000 )) $(( wait_ms % 1000 ))
  if IFS=' ' read -r -t "$timeout" cmd job sids ms; then
    case "$cmd" in
      lease) tick; deadline[$job]=$(( now + ms )); sessions[$job]=$sids ;;
      end) unset "deadline[$job]" "sessions[$job]" ;;
    esac
  elif [ $? -le 128 ]; then
    for job in "${!deadline[@]}"; do
      fence "$job"
    done
    exit 0
  fi
done
