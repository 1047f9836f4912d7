"""Command line: ``python -m facilitator <command>``.

  serve            set up the database, load sessions/, print the addresses, serve
  info [CODE]      print a workshop's addresses and keys (--json for scripts)
  check [DIR]      validate the workshop definitions of a folder (default sessions/)
  cluster IN.tsv [--topics T.tsv]   group ideas (the command-line contract of docs/clustering.md)
  export CODE --format json|csv|xlsx|html|pdf|docx --output PATH [--anonymise] [--lang fr|en]
                   a workshop's data or its report (docs/exports.md)
  export CODE --format yaml [--output PATH]   its definition as it now stands (docs/workshops.md)
  demo CODE        fill a workshop with a finished morning's people, ideas, votes and actions
  import PATH      recreate a workshop from a JSON export in this database
  i18n import-json|check|format   maintain the .po catalogues (docs/i18n.md)
  organiser add EMAIL [--name N]   an organiser account (docs/organisers.md)
  erase CODE --participant ID | erase --expired   erase personal data (docs/organisers.md)

Only ``serve`` touches eventlet (monkey-patching must come before anything
else imports the socket module), so another async mode stays a setting.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facilitator", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="set up and run the server")
    serve.add_argument("--host", default=None, help="address to bind (default HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port (default PORT or 5000)")
    info = commands.add_parser("info", help="print a workshop's addresses and keys")
    info.add_argument("code", nargs="?", help="join code (default: every workshop)")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    cluster = commands.add_parser("cluster", help="group ideas of a TSV file (docs/clustering.md)", add_help=False)
    cluster.add_argument("rest", nargs=argparse.REMAINDER)
    check = commands.add_parser("check", help="validate workshop definitions")
    check.add_argument("directory", nargs="?", help="folder of .yaml files (default SESSIONS_DIR)")
    export = commands.add_parser("export", help="export a workshop (docs/exports.md)")
    export.add_argument("code", help="the workshop's join code")
    export.add_argument(
        "--format",
        required=True,
        help="json, csv, xlsx, html, pdf or docx; yaml: the workshop's definition (docs/workshops.md)",
    )
    export.add_argument("--output", help="file to write (yaml: standard output when absent)")
    export.add_argument("--anonymise", action="store_true", help="replace people's names, keep organisations")
    export.add_argument(
        "--lang", choices=("fr", "en"), help="language of the report and column titles (default: the workshop's)"
    )
    demo = commands.add_parser("demo", help="fill a workshop with demonstration data (people, ideas, votes...)")
    demo.add_argument("code", help="the workshop's join code (it must have no participants yet)")
    demo.add_argument("--participants", type=int, default=30)
    demo.add_argument("--ideas", type=int, default=90)
    import_ = commands.add_parser("import", help="recreate a workshop from a JSON export")
    import_.add_argument("path", help="a file made by export --format json")
    from .organiser_cli import add_parsers

    add_parsers(commands)  # organiser add|list|password, erase (organiser_cli.py)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["i18n"]:
        from .i18n_tools import main as i18n_main

        return i18n_main(argv[1:])
    if argv[:1] == ["cluster"]:
        from .cluster_cli import main as cluster_main

        return cluster_main(argv[1:])
    args = parser.parse_args(argv)

    if args.command == "serve":
        return _serve(args)
    if args.command == "check":
        return _check(args)
    if args.command == "export":
        return _export(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "import":
        return _import(args)
    if args.command in ("organiser", "erase"):
        from .organiser_cli import erase_command, organiser_command

        return organiser_command(args) if args.command == "organiser" else erase_command(args)
    return _info(args)


def _serve(args) -> int:
    if os.environ.get("ASYNC_MODE", "eventlet") == "eventlet":
        import warnings

        with warnings.catch_warnings():
            # The design card fixes eventlet; its deprecation notice is for the
            # maintainers (docs/architecture.md), not for the organiser's terminal.
            warnings.simplefilter("ignore")
            import eventlet
        eventlet.monkey_patch()
        # psycopg waits for PostgreSQL in C (wait_c) unless it sees gevent's patching, which froze
        # every socket during a slow query: make it wait through the (green) select instead.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    from . import create_app
    from .config import Config
    from .database import prepare
    from .extensions import socketio
    from .urls import served_base_url
    from .workshops import DefinitionError

    config = Config()
    host = args.host or config.HOST
    port = args.port if args.port is not None else config.PORT
    app = create_app(config)
    app.config["SERVED_BASE_URL"] = served_base_url(host, port)
    from .wsgi_errors import ErrorsToLog

    app.wsgi_app = ErrorsToLog(app.wsgi_app)  # eventlet writes client-gone notices without newlines
    # Never a debugger or a traceback in a browser: unhandled errors go to the 500 page (app.py).
    app.debug = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    if config.ASYNC_MODE == "eventlet" and config.ENGINE_WORKERS <= 0:
        from eventlet import tpool

        app.config["OFFLOAD"] = tpool.execute  # CPU-heavy grouping work in this process: see offload.py
    try:
        prepare(app)
    except DefinitionError as exc:
        print("The workshop definitions have errors:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 2
    with app.app_context():
        _print_addresses(_describe_all(None))
        from .organiser_cli import print_setup_link
        from .urls import base_url

        print_setup_link(app, base_url())
    if config.RETENTION_CHECK_INTERVAL > 0:
        from .retention import retention_loop

        socketio.start_background_task(retention_loop, app, config.RETENTION_CHECK_INTERVAL)
    # Everything loaded so far lives for the whole run: keep it out of the garbage
    # collector's full passes, which otherwise paused the event loop 100-180 ms
    # under load (bench/realtime.py p99).
    gc.freeze()
    from .engine_pool import start_pools
    from .grouping import warm_up

    # The engine workers of every process share idea vectors through Redis (clustering/shared_cache.py).
    # Their keys live under the deployment's channel: two deployments sharing one Redis stay apart.
    shared = (
        {
            "FACILITATOR_EMBEDDINGS_CACHE_URL": config.EMBEDDINGS_CACHE_URL,
            "FACILITATOR_EMBEDDINGS_CACHE_PREFIX": f"{config.SOCKETIO_CHANNEL}:vectors",
        }
        if config.EMBEDDINGS_CACHE_URL
        else {}
    )
    pools = start_pools(app, config.ENGINE_WORKERS, warm=(warm_up, (["warm-up"],)), env=shared)  # engine, exports
    if pools:
        print(
            f"Grouping engine: {config.ENGINE_WORKERS} worker process(es) "
            f"(pids {', '.join(map(str, pools['engine'].pids()))}); exports: 1.",
            flush=True,
        )
    if config.AUTO_GROUPING:
        socketio.start_background_task(_warm_up_grouping, app)
    if config.SLOW_CLIENT_SECONDS > 0:
        from .guard import remember_websockets, watch_slow_readers

        remember_websockets()
        socketio.start_background_task(
            watch_slow_readers, socketio, config.SLOW_CLIENT_SECONDS, config.SLOW_CLIENT_MAX_QUEUED
        )
    options = {}
    if config.ASYNC_MODE == "eventlet":
        # eventlet's wsgi server accepts 1,024 connections unless told otherwise: the 1,025th phone waited.
        options["max_size"] = config.MAX_CONNECTIONS
        if config.DIRECT_SEND:
            from .direct_send import install as send_directly

            send_directly()
        from .heartbeat import install as one_heartbeat
        from .hub_timers import install as live_timers_only

        live_timers_only()  # the loop wakes for its next live timer, not for cancelled ones

        one_heartbeat(socketio.server.eio)  # one ping and timeout task for every socket (heartbeat.py)
        from .transport import SmallBufferProtocol

        options["protocol"] = SmallBufferProtocol  # 2 KB socket buffers, not 24 KB, per phone
        _raise_file_limit(config.MAX_CONNECTIONS)
        from .listening import queue_limit

        cap = queue_limit()
        if cap is not None and cap < config.LISTEN_BACKLOG:
            print(
                f"Warning: the kernel keeps at most {cap} connections waiting (net.core.somaxconn), "
                f"not LISTEN_BACKLOG={config.LISTEN_BACKLOG}: phones reconnecting at once may wait seconds "
                f"(sysctl -w net.core.somaxconn={config.LISTEN_BACKLOG}).",
                file=sys.stderr,
            )
    try:
        if config.ASYNC_MODE == "eventlet":
            from .listening import serve_eventlet

            serve_eventlet(app, host, port, config.LISTEN_BACKLOG, config.ACCEPT_PACING, **options)
        else:
            socketio.run(app, host=host, port=port, log_output=False, debug=False, **options)
    except OSError as exc:
        print(
            f"Cannot listen on {host}:{port}: {exc.strerror}. "
            f"Is another server running? Choose another port with PORT=8000 make run.",
            file=sys.stderr,
        )
        return 1
    finally:
        for pool in pools.values():
            pool.close()
    return 0


def _raise_file_limit(connections: int) -> None:
    """Each connection is a file descriptor: lift the soft limit toward what MAX_CONNECTIONS needs."""
    import resource

    want = connections + 256  # the database, logs, the engine's files
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(hard, want)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < want:
        print(
            f"Warning: this process may open {soft} files, so it can serve about {max(soft - 256, 0)} "
            f"connections, not MAX_CONNECTIONS={connections}. Raise the limit (ulimit -n {want}).",
            file=sys.stderr,
        )


def _warm_up_grouping(app) -> None:
    """Load the model and embed the ideas already stored, off the loop, so regrouping is fast."""
    from .extensions import db
    from .grouping import warm_up
    from .models import Idea
    from .offload import offload

    with app.app_context():
        texts = list(db.session.execute(db.select(Idea.text).where(Idea.state == Idea.VISIBLE)).scalars())
        db.session.remove()
        texts = texts or ["warm-up"]
        for start in range(0, len(texts), 64):  # small batches: posts get the engine in between
            offload(warm_up, texts[start : start + 64])


def _describe_all(code: str | None) -> list[dict]:
    from .extensions import db
    from .models import Workshop
    from .urls import join_url, staff_urls

    query = db.select(Workshop).order_by(Workshop.code)
    if code:
        query = query.where(Workshop.code == code.upper())
    result = []
    for workshop in db.session.execute(query).scalars():
        result.append(
            {
                "code": workshop.code,
                "title": workshop.title,
                "facilitator_key": workshop.facilitator_key,
                "projector_key": workshop.projector_key,
                **staff_urls(workshop.code, workshop.facilitator_key, workshop.projector_key),
                "tables": [
                    {
                        "id": t.id,
                        "number": t.number,
                        "theme": t.theme,
                        "join_url": join_url(workshop.code, t.number),
                        "facilitator_url": staff_urls(workshop.code, t.facilitator_key, "")["facilitator_url"],
                    }
                    for t in workshop.tables
                ],
            }
        )
    return result


def _print_addresses(workshops: list[dict], running: bool = True) -> None:
    line = "=" * 78
    print(line)
    if running:
        print("facilitator is running. Phones must be on the same network as this machine.")
    else:
        print("The workshops' addresses (they work while `make run` serves; phones must be on its network).")
    for w in workshops:
        print(f"\n{w['title']}  [code {w['code']}]")
        home = w["join_url"].rsplit("/j/", 1)[0] + "/"
        print(f"  Participants join : {w['join_url']}   (or open {home} and type {w['code']})")
        print(f"  Projector         : {w['projector_url']}")
        print(f"  Lead facilitator  : {w['facilitator_url']}")
        for t in w["tables"]:
            print(f"  Table {t['number']} console   : {t['facilitator_url']}")
        print("                      (these addresses are keys: keep them private)")
    print(line, flush=True)


def _info(args) -> int:
    from . import create_app
    from .config import Config

    config = Config()
    config.ASYNC_MODE = "threading"  # no server runs here
    app = create_app(config)
    with app.app_context():
        from sqlalchemy import inspect

        from .extensions import db

        if not inspect(db.engine).has_table("workshop"):
            # A fresh machine, before the first `make run`: set the database up as serve does
            # (only then: a running server's workshops are not reloaded behind its back).
            from .database import prepare

            prepare(app)
        if config.PUBLIC_URL is None:
            from .urls import served_base_url

            app.config["SERVED_BASE_URL"] = served_base_url(config.HOST, config.PORT)
        described = _describe_all(args.code)
    if args.code and not described:
        print(f"No workshop with code {args.code!r}.", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(described[0] if args.code else described, ensure_ascii=False, indent=2))
    else:
        _print_addresses(described, running=False)
    return 0


def _offline_app():
    """An app for a one-off command: no server runs, so no eventlet."""
    from . import create_app
    from .config import Config

    config = Config()
    config.ASYNC_MODE = "threading"
    return create_app(config)


def _export(args) -> int:
    from .exports import FORMATS

    if args.format == "yaml":
        return _export_definition(args)
    if not args.output:
        print("--output is required for this format.", file=sys.stderr)
        return 2
    if args.format not in FORMATS:
        print(f"Unknown format {args.format!r}: choose one of {', '.join(FORMATS)}.", file=sys.stderr)
        return 2
    from flask_migrate import upgrade
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from .config import ROOT
    from .exports import render
    from .exports.snapshot import UnknownWorkshop, export_snapshot, workshop_id_of

    app = _offline_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # a database left by older code gets the new columns
        try:
            snapshot = export_snapshot(workshop_id_of(args.code))
        except UnknownWorkshop:
            print(f"No workshop with code {args.code!r}.", file=sys.stderr)
            return 2
        except (OperationalError, ProgrammingError) as exc:
            print(f"Cannot read the database: {exc.orig}", file=sys.stderr)
            return 2
    content, _, _ = render(snapshot, args.format, anonymise=args.anonymise, lang=args.lang)
    try:
        with open(args.output, "wb") as output:
            output.write(content)
    except OSError as exc:
        print(f"Cannot write {args.output}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(
        f"{args.output}: {snapshot['workshop']['code']} as {args.format}"
        f"{' (anonymised)' if args.anonymise else ''}: {len(snapshot['participants'])} participants, "
        f"{len(snapshot['ideas'])} ideas, {len(snapshot['votes'])} votes, {len(snapshot['actions'])} actions, "
        f"{len(snapshot['events'])} events"
    )
    return 0


def _export_definition(args) -> int:
    """The workshop's definition as it now stands, as a sessions/ file (facilitator/workshops.py)."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from .config import ROOT
    from .extensions import db
    from .models import Workshop
    from .workshops import definition_yaml

    app = _offline_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        workshop = db.session.execute(select(Workshop).where(Workshop.code == args.code.upper())).scalar_one_or_none()
        if workshop is None:
            print(f"No workshop with code {args.code!r}.", file=sys.stderr)
            return 2
        text = definition_yaml(workshop)
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as output:
            output.write(text)
    except OSError as exc:
        print(f"Cannot write {args.output}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(
        f"{args.output}: the definition of {args.code.upper()} (check it with `python -m facilitator check`)",
        file=sys.stderr,
    )
    return 0


def _demo(args) -> int:
    from sqlalchemy import func, select

    from .database import prepare
    from .demo import fill_workshop
    from .exports.snapshot import UnknownWorkshop, workshop_id_of
    from .extensions import db
    from .models import Participant

    app = _offline_app()
    prepare(app)  # migrations, and the workshops of sessions/ (as serve does)
    with app.app_context():
        try:
            ident = workshop_id_of(args.code)
        except UnknownWorkshop:
            print(f"No workshop with code {args.code!r}.", file=sys.stderr)
            return 2
        if db.session.execute(select(func.count(Participant.id)).where(Participant.workshop_id == ident)).scalar():
            print(
                f"Workshop {args.code.upper()} already has participants: demo data goes into an empty workshop only.",
                file=sys.stderr,
            )
            return 2
        summary = fill_workshop(ident, participants=args.participants, ideas=args.ideas)
    print(
        f"{args.code.upper()}: {len(summary['participants'])} participants, "
        f"{sum(len(v) for v in summary['ideas'].values())} ideas, {summary['votes']} votes, "
        f"{len(summary['actions'])} actions added."
    )
    return 0


def _import(args) -> int:
    from flask_migrate import upgrade

    from .config import ROOT
    from .exports.importer import ImportProblem, import_snapshot
    from .exports.json_format import read_json

    try:
        data = read_json(args.path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"Cannot read {args.path}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    app = _offline_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # an empty database gets its tables
        try:
            workshop = import_snapshot(data)
        except ImportProblem as exc:
            print(f"Cannot import {args.path}: {exc}.", file=sys.stderr)
            return 2
        if app.config["PUBLIC_URL"] is None:
            from .urls import served_base_url

            app.config["SERVED_BASE_URL"] = served_base_url(app.config["HOST"], app.config["PORT"])
        described = _describe_all(workshop.code)[0]
    print(
        f"Imported {described['code']} ({described['title']}): {len(data['participants'])} participants, "
        f"{len(data['ideas'])} ideas, {len(data['events'])} events.\n"
        f"New staff addresses (the old ones no longer work; participants join again):\n"
        f"  Projector   : {described['projector_url']}\n"
        f"  Facilitator : {described['facilitator_url']}"
    )
    return 0


def _check(args) -> int:
    from pathlib import Path

    from .config import Config
    from .workshops import DefinitionError, load_definitions

    directory = Path(args.directory) if args.directory else Config().SESSIONS_DIR
    try:
        definitions = load_definitions(directory)
    except DefinitionError as exc:
        print("Invalid workshop definitions:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 2
    for path, definition in definitions:
        print(f"ok  {path}  [{definition.code}] {definition.title} ({len(definition.tables)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
