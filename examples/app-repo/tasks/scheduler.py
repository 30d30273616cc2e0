"""python3 -m tasks.scheduler --every 5: queues a task every few seconds (the beat of a Celery app)."""

import argparse
import time

from tasks import QUEUE, beat


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between two tasks")
    args = parser.parse_args()
    QUEUE.mkdir(parents=True, exist_ok=True)
    while True:
        name = f"{time.time_ns()}.task"
        (QUEUE / f".{name}").write_text("cleanup\n")
        (QUEUE / f".{name}").replace(QUEUE / name)
        beat("scheduler")
        time.sleep(args.every)


if __name__ == "__main__":
    main()
