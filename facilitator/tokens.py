"""Participant tokens: signed, so a browser can prove who it is without an account."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "facilitator.participant"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def participant_token(workshop_id: int, participant_id: int, secret: str = "") -> str:
    """The token the participant's browser keeps (localStorage) and sends on connect.

    ``secret`` is the participant row's own secret: the token opens that row only.
    """
    return _serializer().dumps({"w": workshop_id, "p": participant_id, "s": secret})


def read_participant_token(token: object) -> tuple[int, int, str] | None:
    """(workshop id, participant id, secret) from a valid token, else None."""
    if not isinstance(token, str) or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("w"), int) or not isinstance(data.get("p"), int):
        return None
    secret = data.get("s", "")
    return data["w"], data["p"], secret if isinstance(secret, str) else ""
