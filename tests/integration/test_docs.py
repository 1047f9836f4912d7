"""Documentation stays in step with the code (Datasette's habit)."""

from __future__ import annotations

import re

import facilitator.sockets  # noqa: F401 - declares sync and time, and serves every command
from facilitator.actions.registry import socket_commands
from facilitator.config import ROOT, Config
from facilitator.errors import MESSAGES

COMMANDS = socket_commands()

PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")


def _published_event_types() -> set[str]:
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "facilitator").rglob("*.py"))
    return set(re.findall(r'events\.publish\([^,]+,\s*"([a-z_]+)"', sources))


def _section(name: str) -> str:
    """The text of a command's section of docs/protocol.md (its heading to the next heading)."""
    for match in re.finditer(r"^### (.*)$", PROTOCOL, re.M):
        if f"`{name}`" in match.group(1):
            rest = PROTOCOL[match.end() :]
            end = re.search(r"^#{2,3} ", rest, re.M)
            return rest[: end.start()] if end else rest
    return ""


def test_every_command_is_documented():
    for name in COMMANDS:
        assert f"### `{name}`" in PROTOCOL or f"`{name}` /" in PROTOCOL or f"/ `{name}`" in PROTOCOL, name


def test_every_command_documents_its_payload_and_events():
    """The registry's declaration (payload fields, events) is what the protocol says."""
    missing = []
    for name, cmd in COMMANDS.items():
        section = _section(name)
        for spec in cmd.fields:
            if f'"{spec.name}"' not in section and f"`{spec.name}`" not in section:
                missing.append(f"{name}: payload field {spec.name}")
        for event in cmd.emits:
            if f"`{event}`" not in section:
                missing.append(f"{name}: event {event}")
    assert not missing, missing


def test_paths_named_in_the_docs_exist():
    """A file named in the README or docs/ (a test, a bench script, a module) is there."""
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "bench" / "README.md"]
    pattern = re.compile(
        r"\b((?:tests|bench|facilitator|static|deploy|docs|templates|migrations)/[\w./-]+"
        r"\.(?:py|js|mjs|md|json|yml|yaml|cfg|png|html|css|txt|sh))\b"
    )
    named = {match for path in texts for match in pattern.findall(path.read_text(encoding="utf-8"))}
    assert len(named) > 20
    assert not sorted(path for path in named if not (ROOT / path).exists())


def test_every_event_type_is_documented():
    types = _published_event_types()
    assert len(types) >= 10
    for name in types:
        assert f"| `{name}` |" in PROTOCOL, name


def test_every_error_code_is_documented():
    for code in MESSAGES:
        assert f"`{code}`" in PROTOCOL, code


def test_every_setting_is_documented(tmp_path):
    deployment = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    settings = [name for name in vars(Config({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})) if name.isupper()]
    for name in settings:
        if name in ("TESTING", "SQLALCHEMY_ENGINE_OPTIONS", "SQLALCHEMY_DATABASE_URI"):
            continue
        assert f"`{name}`" in deployment, name
    assert "`DATABASE_URL`" in deployment


def test_rate_limits_in_the_docs_match_the_defaults(tmp_path):
    """The protocol and deployment docs quote each default rate limit as the code has it."""
    import re

    config = Config({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    deployment = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in ("IDEA_RATE_LIMIT", "JOIN_RATE_LIMIT", "COMMAND_RATE_LIMIT", "ORGANISER_LOGIN_RATE_LIMIT"):
        count, seconds = getattr(config, name)
        assert f"| `{name}` | `{count}/{seconds}` |" in deployment, name
    join_count, join_seconds = config.JOIN_RATE_LIMIT
    quoted = re.findall(r"(\d+) joins per (\d+ seconds|minute)", PROTOCOL)
    assert quoted, "the protocol no longer quotes the join limit"
    for count, window in quoted:
        seconds = 60 if window == "minute" else int(window.split()[0])
        assert (int(count), seconds) == (join_count, join_seconds), (count, window)
