"""``python -m facilitator organiser ...`` and ``erase ...``: organiser accounts and personal data.

organiser add EMAIL [--name N] [--password-stdin]   create an account (password asked twice,
                                                    or read from stdin / ORGANISER_PASSWORD)
organiser list                                      the accounts (e-mail, name)
organiser password EMAIL [--password-stdin]         set a new password (ends its sessions)
erase CODE --participant ID                         erase one participant's name (ideas stay)
erase --expired                                     erase the names of every workshop whose
                                                    retention period is over
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys


def add_parsers(commands) -> None:
    """Register the ``organiser`` and ``erase`` sub-commands on the main parser."""
    organiser = commands.add_parser("organiser", help="organiser accounts (organiser space)")
    verbs = organiser.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="create an organiser account")
    add.add_argument("email")
    add.add_argument("--name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    verbs.add_parser("list", help="list the organiser accounts")
    password = verbs.add_parser("password", help="set an organiser's password")
    password.add_argument("email")
    password.add_argument("--password-stdin", action="store_true")
    erase = commands.add_parser("erase", help="erase personal data (docs/organisers.md)")
    erase.add_argument("code", nargs="?", help="the workshop's join code")
    erase.add_argument("--participant", type=int, help="the participant's id")
    erase.add_argument(
        "--expired", action="store_true", help="erase the names of every workshop whose retention period is over"
    )


def _password(args) -> str | None:
    if os.environ.get("ORGANISER_PASSWORD"):
        return os.environ["ORGANISER_PASSWORD"]
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (at least 10 characters): ")
    if first != getpass.getpass("Password (again): "):
        print("The two passwords differ.", file=sys.stderr)
        return None
    return first


def _app():
    from flask_migrate import upgrade

    from . import create_app
    from .config import ROOT, Config

    config = Config()
    config.ASYNC_MODE = "threading"  # no server runs here
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def organiser_command(args) -> int:
    from .extensions import db
    from .models import Organiser
    from .views.organiser_auth import AccountProblem, create_organiser, find_organiser, set_password

    app = _app()
    with app.app_context():
        if args.verb == "list":
            for row in db.session.execute(db.select(Organiser).order_by(Organiser.email)).scalars():
                print(f"{row.email}\t{row.name}")
            return 0
        password = _password(args)
        if password is None:
            return 2
        try:
            if args.verb == "add":
                organiser = create_organiser(args.email, password, args.name)
            else:
                organiser = find_organiser(args.email)
                if organiser is None:
                    print(f"No organiser with e-mail {args.email!r}.", file=sys.stderr)
                    return 2
                set_password(organiser, password)
        except AccountProblem as exc:
            print(
                {
                    "bad_email": "This e-mail address is not valid.",
                    "short_password": "The password must have at least 10 characters.",
                    "long_password": "The password is too long.",
                    "email_taken": "An organiser with this e-mail already exists.",
                }[exc.code],
                file=sys.stderr,
            )
            return 2
        db.session.commit()
        print(
            f"Organiser {organiser.email} {'created' if args.verb == 'add' else 'updated'}; log in at /organiser/login."
        )
    return 0


def erase_command(args) -> int:
    from .errors import CommandError
    from .retention import erase_expired, erase_participant_by_code

    if args.expired == (args.participant is not None) or (args.participant is not None and not args.code):
        print("Use either: erase CODE --participant ID, or: erase --expired", file=sys.stderr)
        return 2
    app = _app()
    with app.app_context():
        if args.expired:
            done = erase_expired()
            for code, count in done:
                print(f"{code}: {count} participants' names erased (retention period over).")
            if not done:
                print("No workshop has reached the end of its retention period.")
            return 0
        try:
            participant = erase_participant_by_code(args.code, args.participant)
        except CommandError as exc:
            print(f"Cannot erase: {exc.as_ack('en')['message']}", file=sys.stderr)
            return 2
        print(f"{args.code.upper()}: participant {participant['id']} erased (name removed, ideas kept without author).")
    return 0


def print_setup_link(app, base_url: str) -> None:
    """While no organiser account exists, print the one-time link that creates the first one."""
    from .views.organiser_auth import organiser_count, setup_token

    with app.app_context():
        if organiser_count():
            print(f"Organiser space   : {base_url}/organiser/")
            return
        link = f"{base_url}/organiser/setup?token={setup_token()}"
    print(
        f"Organiser space   : no account yet. Create the first one (link valid 24 h, once):\n"
        f"                    {link}",
        flush=True,
    )


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command", required=True))
    parsed = parser.parse_args()
    sys.exit(organiser_command(parsed) if parsed.command == "organiser" else erase_command(parsed))
