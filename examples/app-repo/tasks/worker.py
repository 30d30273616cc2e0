"""python3 -m tasks.worker: runs the queued tasks (moves them to done), beating every second."""

import time

from tasks import DONE, QUEUE, beat


def main():
    QUEUE.mkdir(parents=True, exist_ok=True)
    DONE.mkdir(parents=True, exist_ok=True)
    while True:
        for task in sorted(QUEUE.glob("*.task")):
            task.replace(DONE / task.name)
        beat("worker")
        time.sleep(1)


if __name__ == "__main__":
    main()
