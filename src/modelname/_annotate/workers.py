"""Running on several processes: workers that die with their parent, results in input order;
and turning SIGTERM/SIGHUP into a clean stop."""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .errors import AnnotateError
from .items import _annotate_item, _annotate_items, _Item

__all__ = ["CHUNK_SIZE", "PARENT_POLL"]


CHUNK_SIZE = 2000
"""Rows per task sent to a worker process with ``jobs > 1``."""


PARENT_POLL = 1.0
"""Seconds a worker waits for work before it checks that its parent is still alive."""


def _worker_main(inbox: Any, outbox: Any, lang: str | None, parent: int) -> None:
    """A worker process: annotate the chunks it is sent until it is sent None, or its parent dies."""
    import queue

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    # ``parent`` is the pid the parent passed, not os.getppid() read here: a parent killed between
    # the fork and this line would otherwise be recorded as pid 1, and never be missed.
    _die_with_parent(parent)
    while True:
        try:
            task = inbox.get(timeout=PARENT_POLL)
        except queue.Empty:
            if os.getppid() != parent:  # the parent was killed (SIGKILL): nobody will read the results
                os._exit(1)
            continue
        if task is None:
            return
        number, shard, items = task
        outbox.put((number, shard, _annotate_items(items, lang)))


def _die_with_parent(parent: int) -> None:
    """On Linux, ask the kernel to kill this process when its parent dies (``PR_SET_PDEATHSIG``).

    Elsewhere the worker notices by polling ``os.getppid()`` between tasks.  If the parent died
    before the request was made, exit now.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


class _Workers:
    """Worker processes, each with its own cache; results come back in input order.

    Rows are read in chunks of :data:`CHUNK_SIZE`; each chunk's rows are shared out by a hash of the
    name, so a name always goes to the same worker and is parsed once however often it repeats.  At
    most ``3 × jobs`` chunks are in flight, so memory stays flat.
    """

    def __init__(self, jobs: int, lang: str | None) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context()
        self.jobs = jobs
        self.inboxes = [ctx.Queue() for _ in range(jobs)]
        self.outbox = ctx.Queue()
        self.procs = [
            ctx.Process(target=_worker_main, args=(inbox, self.outbox, lang, os.getpid()), daemon=True)
            for inbox in self.inboxes
        ]
        try:
            for proc in self.procs:
                proc.start()
        except BaseException:  # stopped while starting them: stop those already running
            self.close()
            raise

    def run(self, pairs: Iterable[tuple[Any, _Item]]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
        jobs, it = self.jobs, iter(pairs)
        pending: deque[tuple[int, list[Any], list[list[int]], int]] = deque()
        arrived: dict[int, dict[int, list[tuple[Any, ...]]]] = {}
        number = 0
        while True:
            chunk = list(itertools.islice(it, CHUNK_SIZE))
            if chunk:
                shards: list[list[_Item]] = [[] for _ in range(jobs)]
                positions: list[list[int]] = [[] for _ in range(jobs)]
                for i, (_, item) in enumerate(chunk):
                    k = hash(item[0]) % jobs
                    shards[k].append(item)
                    positions[k].append(i)
                sent = 0
                for k, shard in enumerate(shards):
                    if shard:
                        self.inboxes[k].put((number, k, shard))
                        sent += 1
                pending.append((number, [p[0] for p in chunk], positions, sent))
                arrived[number] = {}
                number += 1
            while pending and (len(pending) >= 3 * jobs or not chunk):
                first, inputs, positions, sent = pending.popleft()
                while len(arrived[first]) < sent:
                    done, k, values = self._receive()
                    arrived[done][k] = values
                out: list[Any] = [None] * len(inputs)
                for k, values in arrived.pop(first).items():
                    for i, value in zip(positions[k], values):
                        out[i] = value
                yield from zip(inputs, out)
            if not chunk:
                return

    def _receive(self) -> tuple[int, int, list[tuple[Any, ...]]]:
        import queue

        while True:
            try:
                return self.outbox.get(timeout=1.0)
            except queue.Empty:
                if not all(proc.is_alive() for proc in self.procs):
                    raise AnnotateError("a worker process died (out of memory?)") from None

    def close(self) -> None:
        """Stop the workers: idle once every result is in, or abandoned (Ctrl-C, an error) — either way at once."""
        started = [proc for proc in self.procs if proc.pid is not None]
        for proc in started:
            proc.terminate()
        for proc in started:
            proc.join(timeout=10)
            if proc.is_alive():  # stuck (in a system call?): SIGTERM was not enough
                proc.kill()
                proc.join()
        for q in (*self.inboxes, self.outbox):
            q.cancel_join_thread()
            q.close()


def _run(
    pairs: Iterable[tuple[Any, _Item]], lang: str | None, workers: _Workers | None
) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    if workers is None:
        for data, item in pairs:
            yield data, _annotate_item(item, lang)
    else:
        yield from workers.run(pairs)


def _jobs(jobs: int) -> int:
    return (os.cpu_count() or 1) if jobs <= 0 else jobs


class _Stopped(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the main thread is, so every ``finally`` cleans up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signals() -> Callable[[], None]:
    """Turn SIGTERM and SIGHUP into :class:`_Stopped` until the returned function is called.

    Only signals left at their default (which would kill the process and orphan its workers and
    temporary file) are taken: ``nohup``'s ignored SIGHUP stays ignored.  After the first signal the
    others are ignored, so the cleanup is not itself interrupted.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    taken: dict[int, Any] = {}

    def stop(signum: int, frame: Any) -> None:
        for sig in taken:
            signal.signal(sig, signal.SIG_IGN)
        raise _Stopped(signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            taken[sig] = signal.signal(sig, stop)

    def restore() -> None:
        for sig, old in taken.items():
            signal.signal(sig, old)

    return restore
