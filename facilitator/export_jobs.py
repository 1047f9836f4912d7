"""Export jobs of the organiser space: made off the real-time loop, followed by polling, then downloaded.

``start`` records a job and runs it in a background task (a green thread
under eventlet, a thread otherwise). The job reads the workshop's snapshot
(database, in the task), then renders the file through ``offload`` (the
``exports`` worker process in ``serve``: the CPU work never holds the loop, and
never holds the grouping engine's worker either). The page polls
``status`` and downloads the bytes once done. Jobs live in the server's
memory for ``KEEP_SECONDS`` (files of a few MB at most); a restart forgets
them, and the organiser asks again.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import current_app

log = logging.getLogger(__name__)

KEEP_SECONDS = 30 * 60
MAX_JOBS = 40
STAGES = ("queued", "reading", "rendering", "done")


@dataclass
class Job:
    id: str
    workshop_id: int
    code: str
    fmt: str
    anonymise: bool
    lang: str | None
    organiser_id: int
    status: str = "queued"  # queued, reading, rendering, done, failed
    created: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    content: bytes | None = None
    mimetype: str = ""
    filename: str = ""
    error: str | None = None
    counts: dict = field(default_factory=dict)

    def public(self) -> dict:
        """What the page sees (no file content)."""
        step = STAGES.index(self.status) if self.status in STAGES else len(STAGES) - 1
        elapsed = ((self.finished or time.monotonic()) - self.started) if self.started else 0.0
        return {
            "id": self.id,
            "code": self.code,
            "format": self.fmt,
            "anonymise": self.anonymise,
            "status": self.status,
            "step": step,
            "steps": len(STAGES) - 1,
            "elapsed_s": round(elapsed, 2),
            "filename": self.filename,
            "size": len(self.content) if self.content is not None else None,
            "error": self.error,
            "counts": self.counts,
        }


def _jobs(app) -> dict[str, Job]:
    return app.extensions.setdefault("facilitator.export_jobs", {})


_LOCK = threading.Lock()  # green under eventlet; only taken on the loop or in the task, never in the pool


def start(workshop_id: int, code: str, fmt: str, anonymise: bool, lang: str | None, organiser_id: int) -> Job:
    """Record a job and start making it in the background."""
    from .extensions import socketio

    app = current_app._get_current_object()
    job = Job(
        id=secrets.token_urlsafe(12),
        workshop_id=workshop_id,
        code=code,
        fmt=fmt,
        anonymise=anonymise,
        lang=lang,
        organiser_id=organiser_id,
    )
    with _LOCK:
        jobs = _jobs(app)
        _prune(jobs)
        jobs[job.id] = job
    socketio.start_background_task(_run, app, job)
    return job


def get(job_id: str) -> Job | None:
    with _LOCK:
        jobs = _jobs(current_app)
        _prune(jobs)
        return jobs.get(job_id)


def of_workshop(workshop_id: int) -> list[Job]:
    with _LOCK:
        jobs = _jobs(current_app)
        _prune(jobs)
        return sorted((j for j in jobs.values() if j.workshop_id == workshop_id), key=lambda j: -j.created)


def _prune(jobs: dict[str, Job]) -> None:
    now = time.monotonic()
    for ident in [i for i, j in jobs.items() if now - j.created > KEEP_SECONDS]:
        del jobs[ident]
    while len(jobs) > MAX_JOBS:
        del jobs[min(jobs, key=lambda i: jobs[i].created)]


def _run(app, job: Job) -> None:
    """The background task: snapshot (database), then render off the loop."""
    from .exports import render
    from .exports.snapshot import export_snapshot
    from .extensions import db
    from .offload import offload

    job.started = time.monotonic()
    try:
        with app.app_context():
            job.status = "reading"
            try:
                snapshot = export_snapshot(job.workshop_id)
            finally:
                db.session.remove()
            job.counts = {
                "participants": len(snapshot["participants"]),
                "ideas": len(snapshot["ideas"]),
                "events": len(snapshot["events"]),
            }
            job.status = "rendering"
            content, mimetype, filename = offload(render, snapshot, job.fmt, job.anonymise, job.lang, pool="exports")
        job.content, job.mimetype, job.filename = content, mimetype, filename
        job.status = "done"
    except Exception as exc:  # the page shows the failure; the server goes on
        log.exception("export %s of %s failed", job.fmt, job.code)
        job.error, job.status = type(exc).__name__, "failed"
    finally:
        job.finished = time.monotonic()
