"""Export benchmark: time and size of every format for a large finished workshop. Prints JSON.

    python bench/exports.py                      # 2,000 ideas, 300 participants (default)
    python bench/exports.py --ideas 500 --participants 100 --repeat 3

Builds the seed DEVUP workshop in a fresh SQLite file (temporary directory)
with ``facilitator.demo.fill_workshop`` (ideas in the subtopic groups, three
dots per participant, 7 actions), then times, each ``--repeat`` times (the
best is kept): reading the snapshot from the database, and
``exports.render(snapshot, fmt)`` for every format, plain and anonymised.
Single process, one thread: what an export costs on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ideas", type=int, default=2000)
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from facilitator import create_app
    from facilitator.config import make_test_config
    from facilitator.database import prepare
    from facilitator.demo import fill_workshop
    from facilitator.exports import FORMATS, render
    from facilitator.exports.snapshot import export_snapshot, workshop_id_of

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(make_test_config(Path(tmp) / "instance", f"sqlite:///{tmp}/bench.db"))
        prepare(app)
        with app.app_context():
            ident = workshop_id_of("DEVUP")
            start = time.perf_counter()
            fill_workshop(ident, participants=args.participants, ideas=args.ideas)
            print(f"filled in {time.perf_counter() - start:.1f} s", file=sys.stderr)
            read_s, snapshot = best(lambda: export_snapshot(ident), args.repeat)
        results = {}
        for fmt in FORMATS:
            for anonymised in (False, True):
                seconds, (content, _, _) = best(lambda: render(snapshot, fmt, anonymise=anonymised), args.repeat)
                key = fmt + (" anonymised" if anonymised else "")
                results[key] = {"seconds": round(seconds, 3), "bytes": len(content)}
                print(f"{key}: {seconds:.2f} s, {len(content) / 1024:.0f} KiB", file=sys.stderr)
    print(
        json.dumps(
            {
                "benchmark": "exports",
                "ideas": args.ideas,
                "participants": args.participants,
                "votes": len(snapshot["votes"]),
                "actions": len(snapshot["actions"]),
                "repeat": args.repeat,
                "snapshot_read_seconds": round(read_s, 3),
                "formats": results,
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
