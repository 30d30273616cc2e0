"""python3 -m tasks.check worker|scheduler: exit 0 when that process of this release's version beat
within the last 10 seconds (the deploy's health check, run in the release directory)."""

import sys
import time

from tasks import SPOOL, version

MAX_AGE = 10


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("worker", "scheduler"):
        sys.exit("usage: python3 -m tasks.check worker|scheduler")
    process = sys.argv[1]
    path = SPOOL / f"{process}.heartbeat"
    if not path.exists():
        sys.exit(f"{process}: no heartbeat yet ({path})")
    beat_version, at = path.read_text().split()
    if beat_version != version():
        sys.exit(f"{process}: the running {process} is version {beat_version}, not {version()}")
    age = time.time() - float(at)
    if age > MAX_AGE:
        sys.exit(f"{process}: last heartbeat {age:.0f} s ago (more than {MAX_AGE} s)")
    print(f"{process} {beat_version} alive")


if __name__ == "__main__":
    main()
