"""Owed work, kept durably in the database and done by the job worker.

The queue is the backport of Django's tasks framework (`django-tasks`) with its database backend
(`django-tasks-db`): enqueueing a job inserts a row with the ORM, so a job enqueued inside a
transaction commits or rolls back with the change that made it owed. The worker claims a row
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive transaction on SQLite), runs it and
records the outcome. This module adds what the library leaves to its user:

- keyed jobs: a job enqueued with a `key` gets an id derived from it, so the same key can be
  enqueued any number of times, by any number of workers, and is stored once;
- merged jobs (`owe_once`): a job owed again while a job doing the same work (by default: the same
  task and arguments) still waits to start is not stored again, so a burst of changes owes one run;
- the schedule: the periodic jobs named in `settings.PINGAN_SCHEDULE`, one keyed job per slot,
  each run enqueueing the next slot, so a restarted worker neither skips nor repeats a slot;
- recovery: a job claimed by a worker process that died (kill -9, power loss) is put back in the
  queue when a worker starts on the same host;
- retries: a failed job runs again after a delay, up to `MAX_ATTEMPTS` runs in all;
- `run_owed_jobs()`: do everything owed now, in this thread (tests, the demo, `pingan worker --once`);
- `owed_jobs()`: what is owed for longer than a threshold, for `pingan check`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as QueueWorker
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger("pingan.jobs")

MAX_ATTEMPTS = 5
"""Runs of one job before it stays failed (and `pingan check` reports it)."""

RETRY_DELAY = dt.timedelta(seconds=30)
"""Delay before the first retry of a failed job; doubled for each further attempt."""

_KEY_NAMESPACE = uuid.UUID("6d1f3b52-4c1e-4a55-9d0e-0b8a6f1c2e77")
_next_id: ContextVar[str | None] = ContextVar("pingan_job_id", default=None)


__all__ = ["enqueue", "owe_once", "run_owed_jobs", "task"]


class JobFailed(RuntimeError):
    """A job run by `run_owed_jobs` failed on its last attempt; the message holds its traceback."""


def job_id() -> str:
    """The id of the job being enqueued: derived from its key, or random (the backend's id_function)."""
    return _next_id.get() or str(uuid.uuid4())


def key_id(key: str) -> str:
    """The job id a key stands for."""
    return str(uuid.uuid5(_KEY_NAMESPACE, key))


def enqueue(
    task: Task[Any, Any],
    *,
    key: str | None = None,
    run_after: dt.datetime | None = None,
    **kwargs: Any,
) -> bool:
    """Record that `task(**kwargs)` is owed; True if a row was written.

    Call it inside the transaction of the change that makes the work owed. With `key`, a job
    already stored under that key (in any state) is not stored again.
    """
    if run_after is not None:
        task = task.using(run_after=run_after)
    if key is None:
        task.enqueue(**kwargs)
        return True
    ident = key_id(key)
    if DBTaskResult.objects.filter(pk=ident).exists():
        return False
    token = _next_id.set(ident)
    try:
        with transaction.atomic():
            task.enqueue(**kwargs)
    except IntegrityError:
        return False
    finally:
        _next_id.reset(token)
    return True


def owe_once(
    task: Task[Any, Any],
    *,
    merges_into: Callable[[dict[str, Any]], bool] | None = None,
    **kwargs: Any,
) -> bool:
    """Record that `task(**kwargs)` is owed unless a job of `task` already waits to start that does
    the same work; True if stored.

    A waiting job does the same work when its keyword arguments are these (by default) or when
    `merges_into(its keyword arguments)` says so (say, a recompute of more quarters). Call it inside
    the transaction of the change that makes the work owed: the waiting jobs are locked until that
    transaction ends, so none starts before the change is committed (workers skip locked rows;
    on SQLite the writer of this transaction is the only one); a job already started does not
    count, as it may not see the change.
    """
    covers = merges_into or (lambda waiting: waiting == kwargs)
    rows = DBTaskResult.objects.select_for_update().filter(
        task_path=task.module_path, status=TaskResultStatus.READY
    )
    for stored in rows.values_list("args_kwargs", flat=True):
        if not stored.get("args") and covers(dict(stored.get("kwargs", {}))):
            return False
    task.enqueue(**kwargs)
    return True


# ---------------------------------------------------------------- the schedule


@dataclass(frozen=True)
class Periodic:
    """A job of the schedule: every `every` seconds, or each day at `daily_at` (local time)."""

    task_path: str
    every: int | None = None
    daily_at: dt.time | None = None

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the slot `now` falls in."""
        if self.every:
            seconds = int(now.timestamp()) // self.every * self.every
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        at = self.daily_at or dt.time(0, 0)
        local = timezone.localtime(now)
        start = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if start > local:
            start = timezone.make_aware(
                dt.datetime.combine(start.date() - dt.timedelta(days=1), at)
            )
        return start

    def following(self, start: dt.datetime) -> dt.datetime:
        """The start of the slot after the one starting at `start`."""
        if self.every:
            return start + dt.timedelta(seconds=self.every)
        at = self.daily_at or dt.time(0, 0)
        day = timezone.localtime(start).date() + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, at))

    def key(self, start: dt.datetime) -> str:
        return "%s@%s" % (self.task_path, start.astimezone(dt.UTC).isoformat())


def schedule() -> list[Periodic]:
    """The periodic jobs configured in `settings.PINGAN_SCHEDULE`."""
    jobs = []
    for path, spec in getattr(settings, "PINGAN_SCHEDULE", {}).items():
        daily = spec.get("daily_at")
        jobs.append(
            Periodic(
                task_path=path,
                every=int(spec["every"]) if spec.get("every") else None,
                daily_at=dt.time.fromisoformat(daily) if daily else None,
            )
        )
    return jobs


def ensure_schedule(now: dt.datetime | None = None) -> int:
    """Store the current and the next slot of every periodic job (keyed: never twice); rows written."""
    now = now or timezone.now()
    written = 0
    for job in schedule():
        task = import_string(job.task_path)
        start = job.slot(now)
        for when in (start, job.following(start)):
            written += enqueue(task, key=job.key(when), run_after=when)
    return written


def _periodic_of(task_path: str) -> Periodic | None:
    return next((p for p in schedule() if p.task_path == task_path), None)


# ---------------------------------------------------------------- workers


def _process_start(pid: int) -> str:
    """The start time of a process (clock ticks since boot), or '' when it does not exist."""
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return ""
    except (OSError, IndexError):
        return "?"


def this_worker_id() -> str:
    """`host:pid:start`: names the process claiming a job, so a later start can tell it died."""
    pid = os.getpid()
    return "%s:%d:%s" % (socket.gethostname()[:40], pid, _process_start(pid))


def _claimer_dead(worker_id: str) -> bool:
    """True when the worker that claimed a job was a process of this host that no longer runs."""
    host, _sep, rest = worker_id.partition(":")
    pid_text, _sep, start = rest.partition(":")
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    now_start = _process_start(int(pid_text))
    if now_start == "?":
        return False
    return now_start == "" or now_start != start


def recover_abandoned() -> int:
    """Put back in the queue every job claimed by a dead worker process of this host; their count."""
    recovered = 0
    for row in DBTaskResult.objects.running():
        claimer = row.worker_ids[-1] if row.worker_ids else ""
        if not _claimer_dead(claimer):
            continue
        if len(row.worker_ids) >= MAX_ATTEMPTS:
            changes: dict[str, Any] = {
                "status": TaskResultStatus.FAILED,
                "finished_at": timezone.now(),
                "exception_class_path": "pingan.core.jobs.Abandoned",
                "traceback": "the worker process %s died while running the job" % claimer,
            }
        else:
            changes = {"status": TaskResultStatus.READY, "started_at": None}
        recovered += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            **changes
        )
        logger.warning("job %s (%s) abandoned by %s: requeued", row.pk, row.task_path, claimer)
    return recovered


class Worker(QueueWorker):
    """The library's database worker, with recovery, retries and the schedule added."""

    def __init__(
        self,
        *,
        interval: float = 1.0,
        batch: bool = False,
        periodic: bool = True,
        retry_delay: dt.timedelta = RETRY_DELAY,
        worker_id: str | None = None,
    ) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or this_worker_id(),
            excluded_queue_names=[],
        )
        self.periodic = periodic
        self.retry_delay = retry_delay
        self.failures: list[DBTaskResult[Any, Any]] = []

    def run(self) -> None:
        """Requeue abandoned jobs, store the schedule's slots, then work until stopped."""
        recover_abandoned()
        if self.periodic:
            ensure_schedule()
        super().run()

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        """Run one claimed job; retry it later if it failed; store the next slot of a periodic job."""
        super().run_task(db_task_result)
        row = db_task_result
        if row.status == TaskResultStatus.FAILED:
            attempts = len(row.worker_ids)
            if attempts < MAX_ATTEMPTS:
                delay = self.retry_delay * (2 ** (attempts - 1))
                DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED).update(
                    status=TaskResultStatus.READY, run_after=timezone.now() + delay
                )
                logger.warning("job %s (%s) failed; retry %d", row.pk, row.task_path, attempts)
            else:
                self.failures.append(row)
                logger.error("job %s (%s) failed:\n%s", row.pk, row.task_path, row.traceback)
        periodic = _periodic_of(row.task_path)
        if self.periodic and periodic is not None:
            start = periodic.slot(timezone.now())
            task = import_string(periodic.task_path)
            enqueue(task, key=periodic.key(start), run_after=start)
            following = periodic.following(start)
            enqueue(task, key=periodic.key(following), run_after=following)

    def stop(self) -> None:
        """Finish the job in hand, then leave the loop (for a worker thread)."""
        self.running = False


def _claim_one(worker_id: str) -> DBTaskResult[Any, Any] | None:
    with exclusive_transaction(DBTaskResult.objects.db):
        row = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
        if row is not None:
            row.claim(worker_id)
    return row


def run_owed_jobs(*, raise_failures: bool = True, limit: int | None = None) -> int:
    """Run every job that is owed now, in this thread, until none is left; the number of runs.

    Jobs abandoned by a dead worker process are put back first. Failed jobs are retried at once
    (up to `MAX_ATTEMPTS` runs); with `raise_failures` a job that still fails raises `JobFailed`.
    Periodic slots are not stored (only the worker schedules).
    """
    recover_abandoned()
    worker = Worker(batch=True, periodic=False, retry_delay=dt.timedelta(0))
    runs = 0
    while limit is None or runs < limit:
        row = _claim_one(worker.worker_id)
        if row is None:
            break
        worker.run_task(row)
        runs += 1
    if raise_failures and worker.failures:
        failed = worker.failures[0]
        raise JobFailed("%s failed:\n%s" % (failed.task_path, failed.traceback))
    return runs


def _run_until_stopped(worker: Worker) -> None:
    """Run the worker; if it stops on an error (say, the database went away), log it and start
    again. Once stopped, close the connections this thread opened."""
    import time

    try:
        while worker.running:
            try:
                worker.run()
            except Exception:
                logger.exception("the job worker stopped on an error; starting again")
                time.sleep(max(worker.interval, 1.0) * 5)
    finally:
        connections.close_all()


STOP_WAIT_SECONDS = 60
"""How long leaving `worker_thread` waits for the job in hand to finish (the thread is a daemon:
a job still running after that ends with the process, and is put back by the next worker)."""


@contextmanager
def worker_thread(*, interval: float = 1.0) -> Iterator[Worker]:
    """Run a worker in a daemon thread for the duration of the block (`pingan serve`).

    Leaving the block stops the worker and waits for its thread to finish the job in hand and
    close its database connections.
    """
    worker = Worker(interval=interval)
    thread = threading.Thread(
        target=_run_until_stopped, args=(worker,), name="pingan-worker", daemon=True
    )
    thread.start()
    try:
        yield worker
    finally:
        worker.stop()
        thread.join(STOP_WAIT_SECONDS)


# ---------------------------------------------------------------- owed work, for `pingan check`


@dataclass(frozen=True)
class OwedJob:
    """A job not done: waiting, running or failed, since when, after how many runs."""

    id: str
    task_path: str
    status: str
    since: dt.datetime
    attempts: int


def owed_jobs(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> list[OwedJob]:
    """Jobs owed for longer than `older_than`: due but not started, running, or finally failed."""
    now = now or timezone.now()
    limit = now - older_than
    owed = []
    for row in DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).order_by(
        "enqueued_at"
    ):
        if row.status == TaskResultStatus.READY:
            due = row.enqueued_at if row.run_after == get_date_max() else row.run_after
            due = max(due, row.enqueued_at)
        elif row.status == TaskResultStatus.RUNNING:
            due = row.started_at or row.enqueued_at
        else:
            due = row.finished_at or row.enqueued_at
            if _succeeded_later(row):
                continue
        if row.status == TaskResultStatus.FAILED or due <= limit:
            owed.append(OwedJob(str(row.pk), row.task_path, row.status, due, len(row.worker_ids)))
    return owed


def _succeeded_later(row: DBTaskResult[Any, Any]) -> bool:
    """A failed job is settled when the same job (same task and arguments) later succeeded."""
    return DBTaskResult.objects.filter(
        task_path=row.task_path,
        args_kwargs=row.args_kwargs,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__gt=row.finished_at or row.enqueued_at,
    ).exists()


def pending(task: Task[Any, Any]) -> list[dict[str, Any]]:
    """The keyword arguments of the jobs of `task` waiting or running."""
    rows = DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    return [dict(row.args_kwargs.get("kwargs", {})) for row in rows]


def pending_since(task: Task[Any, Any]) -> list[tuple[dt.datetime, dict[str, Any]]]:
    """When each waiting or running job of `task` was enqueued, with its keyword arguments."""
    rows = DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("enqueued_at", "args_kwargs")
    return [(at, dict(kwargs.get("kwargs", {}))) for at, kwargs in rows]


def retry_failed() -> int:
    """Put every failed job back in the queue for a fresh round of attempts; their count."""
    count = 0
    for row in DBTaskResult.objects.failed():
        if _succeeded_later(row):
            continue
        count += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY, run_after=timezone.now(), worker_ids=[]
        )
    return count
