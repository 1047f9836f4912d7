"""The engine worker: a separate process that runs the grouping engine and the export writers.

``serve`` starts it as ``python -m facilitator.engine_worker`` (a fresh
interpreter: nothing of the web process, no eventlet, no sockets). The web
process sends it jobs over its stdin and reads answers on its stdout, one
frame each way (``engine_pool.py``): the embeddings model, numpy and the PDF
writer live here, so the event loop never runs them.

A job names a function by module and qualified name; only functions of the
``facilitator`` package are run. Every job is answered, with the value or the
exception it raised.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import struct
import sys

HEADER = struct.Struct("!I")  # frame = 4-byte length + pickle


def write_frame(stream, value) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def read_exactly(stream, size: int) -> bytes | None:
    """``size`` bytes, or None at end of stream."""
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    """The next value on ``stream``; EOFError when the other side is gone."""
    header = read_exactly(stream, HEADER.size)
    if header is None:
        raise EOFError
    data = read_exactly(stream, HEADER.unpack(header)[0])
    if data is None:
        raise EOFError
    return pickle.loads(data)


def resolve(module: str, qualname: str):
    """The function a job names (only inside the facilitator package)."""
    if module != "facilitator" and not module.startswith("facilitator."):
        raise ValueError(f"refused: {module}.{qualname} is not part of facilitator")
    target = importlib.import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target


def serve(inbox, outbox) -> None:
    """Answer jobs ``(id, module, qualname, args, kwargs)`` until the web process closes the pipe."""
    while True:
        try:
            ident, module, qualname, args, kwargs = read_frame(inbox)
        except EOFError:
            return
        try:
            answer = (ident, True, resolve(module, qualname)(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - every job is answered
            try:
                pickle.dumps(exc)
                answer = (ident, False, exc)
            except Exception:  # noqa: BLE001 - an exception that does not pickle travels as text
                answer = (ident, False, RuntimeError(f"{type(exc).__name__}: {exc}"))
        try:
            write_frame(outbox, answer)
        except BrokenPipeError:
            return


def main() -> int:
    # Ctrl-C reaches the whole process group: the web process stops this worker (by closing
    # its stdin), so a half-written answer never becomes a traceback in the log.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Below the web process: its one loop serves every socket, and a group that follows a
    # post 100 ms later matters less than the post (WORKER_NICE, docs/deployment.md).
    os.nice(max(0, int(os.environ.get("WORKER_NICE", "5") or 0)))
    # Before numpy loads: its OpenBLAS otherwise starts a thread per core that spin-waits
    # between the engine's small matrix products, burning about as much CPU as the work
    # itself on the core the web process needs (docs/deployment.md, "The grouping engine's worker processes").
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # The frames own stdout: anything printed by a library goes to stderr (the server's log).
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    inbox = sys.stdin.buffer
    serve(inbox, outbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())
