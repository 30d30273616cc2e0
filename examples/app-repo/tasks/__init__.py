"""tasks: a small app in the shape of a Celery one. The web process serves HTTP, the worker runs
queued tasks, the scheduler queues a task every few seconds. A spool directory stands in for the
broker (shared/spool, linked into every release)."""

import os
import time
from pathlib import Path

SPOOL = Path(os.environ.get("TASKS_SPOOL", "spool"))
QUEUE = SPOOL / "queue"
DONE = SPOOL / "done"


def version():
    """The version the artifact was built as (make dist VERSION=...), from the release's VERSION file."""
    path = Path(__file__).resolve().parent.parent / "VERSION"
    return path.read_text().strip() if path.exists() else "dev"


def beat(process):
    """Records that process (worker or scheduler) of this version is alive; tasks.check reads it."""
    SPOOL.mkdir(parents=True, exist_ok=True)
    tmp = SPOOL / f".{process}.heartbeat"
    tmp.write_text(f"{version()} {time.time():.0f}\n")
    tmp.replace(SPOOL / f"{process}.heartbeat")
