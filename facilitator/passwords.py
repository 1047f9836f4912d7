"""The password rule of organiser accounts: long enough, not a common password, not the e-mail.

The common passwords are a data file shipped with the project (data/common-passwords.txt, its
source and licence in its header); nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 1000
COMMON_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """None for an acceptable password, else why not (a locale key under ``page.organiser.account.``)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return "short_password"
    if len(password) > MAX_LENGTH:
        return "long_password"
    folded = password.strip().lower()
    if folded in common_passwords() or len(set(folded)) < 4:
        return "common_password"
    email = (email or "").strip().lower()
    local = email.split("@", 1)[0]
    if email and (email in folded or folded in email or (len(local) >= 4 and local in folded)):
        return "email_password"
    return None
