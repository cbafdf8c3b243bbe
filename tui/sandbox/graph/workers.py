"""Where large Resource Graph queries are answered: in helper processes beside the app.

Azure evaluates a query on its own machines; the client spends nothing on it. The sandbox
answers inside the client's process, where a query over a 1,000-subscription tenant is
seconds of CPU under the same interpreter lock as the app reading its answers: the two took
turns on one core while the other idled. So the queries of a file holding more than
`LARGE` resources are answered by up to `PROCESSES` helper processes (started at the first
such query, kept until the app exits), each keeping the results it evaluated for their next
pages: a query's pages go to the process that has its result. A small file (every scenario
but a large estate) is answered in the transport's own thread, as any other request.

A helper is `python -m tui.sandbox.graph.workers`, fed pickled `PageRequest`s on its stdin
and answering (status, JSON text) on its stdout, one at a time. It is a plain subprocess,
not `multiprocessing`: that would import the caller's main script again in the child, and
the sandbox is a library any script may use. A helper that dies is replaced, and the page
it owed is answered in this process instead.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import OrderedDict
from typing import IO, Any

from tui.sandbox.graph import results
from tui.sandbox.graph.results import Kept, PageRequest, Streams
from tui.sandbox.store import SandboxStore

LARGE = 20_000  # resources in a file from which its queries are answered by helpers
PROCESSES = 2
_HOMES = 64  # queries whose helper is remembered
_STORES = 4  # files a helper keeps open
_LENGTH = struct.Struct("!Q")


class Helper:
    """One helper process, asked one page at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.waiting = 0  # pages asked of it and not answered yet

    def ask(self, request: PageRequest) -> tuple[int, str]:
        with self.lock:
            for attempt in range(2):
                process = self._started()
                try:
                    assert process.stdin is not None
                    assert process.stdout is not None
                    _send(process.stdin, request)
                    answer: tuple[int, str] = _receive(process.stdout)
                    return answer
                except (OSError, EOFError, pickle.UnpicklingError, struct.error):
                    self.stop()
                    if attempt:
                        raise
            raise AssertionError("unreachable")

    def _started(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            path = os.pathsep.join(p for p in sys.path if p)
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tui.sandbox.graph.workers"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": path}, close_fds=True)
        return self.process

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        try:
            if process.stdin is not None:
                process.stdin.close()  # end of input: the helper ends
            process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()


class Helpers:
    """The helper processes of this process, and which one holds which query's result."""

    def __init__(self, count: int = PROCESSES) -> None:
        self.helpers = [Helper() for _ in range(count)]
        self.homes: OrderedDict[tuple[str, str], Helper] = OrderedDict()
        self.lock = threading.Lock()
        atexit.register(self.stop)

    async def answer(self, request: PageRequest) -> tuple[int, str]:
        """(status, JSON text) of the page, from the helper that has the query's result."""
        helper = self._home(request)
        try:
            return await asyncio.to_thread(helper.ask, request)
        except (OSError, EOFError, pickle.UnpicklingError, struct.error):
            return await asyncio.to_thread(answer_alone, request)
        finally:
            with self.lock:
                helper.waiting -= 1

    def _home(self, request: PageRequest) -> Helper:
        key = (request.path, request.fingerprint)
        with self.lock:
            helper = self.homes.get(key)
            if helper is None:
                helper = min(self.helpers, key=lambda h: h.waiting)
                self.homes[key] = helper
                while len(self.homes) > _HOMES:
                    self.homes.popitem(last=False)
            self.homes.move_to_end(key)
            helper.waiting += 1
        return helper

    def stop(self) -> None:
        for helper in self.helpers:
            helper.stop()


_helpers: Helpers | None = None


def helpers() -> Helpers:
    """This process's helpers (none started until a page is asked of them)."""
    global _helpers
    if _helpers is None:
        _helpers = Helpers()
    return _helpers


def answer_alone(request: PageRequest) -> tuple[int, str]:
    """The page answered in this thread, on a connection of its own (nothing kept)."""
    store = SandboxStore(request.path)
    try:
        return results.compute(request, store, OrderedDict())
    finally:
        store.close()


def _send(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("the helper process ended")
    (length,) = _LENGTH.unpack(head)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("the helper process ended mid-answer")
    return pickle.loads(data)


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """A helper's life: answer pages until its input ends."""
    stores: OrderedDict[str, SandboxStore] = OrderedDict()
    kept: Kept = OrderedDict()
    streams: Streams = OrderedDict()
    while True:
        try:
            request = _receive(source)
        except EOFError:
            return
        store = stores.get(request.path)
        if store is None:
            store = stores[request.path] = SandboxStore(request.path)
            while len(stores) > _STORES:
                stores.popitem(last=False)[1].close()
        stores.move_to_end(request.path)
        gc.disable()  # a query's rows hold no cycles; rescanning them was a third of it
        try:
            answer = results.compute(request, store, kept, streams)
        finally:
            gc.enable()
        _send(sink, answer)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)


__all__ = ["LARGE", "Helpers", "PageRequest", "answer_alone", "helpers", "serve"]
