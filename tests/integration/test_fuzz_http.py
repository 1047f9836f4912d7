"""Fuzz: every HTTP page, form and API (join API, organiser space, review links) with random and boundary
values, sent by who uses it (anyone, a logged-in organiser): never a 5xx, and every error answer carries a
message (JSON: a known `error` and a non-empty `message`; pages: a non-empty body).

Every route of the app must appear in ENDPOINTS (test_every_route_is_fuzzed). Hostile values come from
tests/fuzz_values.py; PENDING_HTTP below lists the HTTP inputs fixed on other branches of issue 10 (they are
part of the strategies; FUZZ_WITHOUT_PENDING=1 leaves them out). Valid export formats are left out on
purpose: they start background jobs (the command fuzz test renders every format synchronously).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitator.errors import MESSAGES
from facilitator.exports import FORMATS
from facilitator.extensions import db
from facilitator.models import Participant, ReviewLink
from facilitator.views.organiser_auth import create_organiser, setup_token
from tests.conftest import Room, new_id
from tests.fuzz_values import WITHOUT_PENDING, hostile, texts, weighted

EXAMPLES = 30  # per endpoint
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

# Expected to fail until the other branches of issue 10 land: query names that clash with url_for's own
# arguments or with the route's (render_page's language switch: ?endpoint=, ?_method=, ?code= on
# /j/<code>..., ?key= on /r/<key>), a login `next` with a line break, retention_days in non-ASCII digits,
# deeply nested YAML.
PENDING_QUERY_NAMES = ("endpoint", "code", "_method", "key")
DEEP_YAML = b"a: " + b"[" * 5000 + b"]" * 5000
PENDING_RETENTION = ("²", "١٢", "①")


def pending(value: str) -> bool:
    return any(c in "\r\n" or c < " " for c in value)


def query_values():
    return texts.filter(lambda v: not (WITHOUT_PENDING and pending(v)))


QUERY_NAMES = ["lang", "next", "token", "done", "created", "saved", "mode", "format", "page", "x"]
if not WITHOUT_PENDING:
    QUERY_NAMES += PENDING_QUERY_NAMES
queries = st.dictionaries(st.sampled_from(QUERY_NAMES), query_values(), max_size=3)


def encode(value) -> bytes:
    """A form or query value as bytes (lone surrogates kept as the bytes a client could send)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.encode("utf-8", "surrogatepass")


def segment(value) -> str:
    return quote(encode(value), safe="")


class Site:
    """The app with a participant, an action, an opened review (its personal link) and an organiser."""

    def __init__(self, app):
        self.app = app
        room = Room(app)
        anne = room.participant("Anne", table=0)
        lead = room.facilitator()
        idea = anne.emit("post_idea", {"id": new_id(), "text": "Une cotisation modulée"}, callback=True)["idea"]["id"]
        ack = lead.emit(
            "create_action",
            {"id": new_id(), "source": {"kind": "idea", "id": idea}, "title": "Tester", "owner_org": "Cosmetic Valley"},
            callback=True,
        )
        self.action = ack["action"]["id"]
        with app.app_context():
            create_organiser("orga@devup.fr", "correct horse battery", "Orga")
            db.session.commit()
            self.participants = list(db.session.execute(db.select(Participant.id)).scalars())
            self.setup_token = setup_token()
        self.organiser = app.test_client()
        self.organiser.post(
            "/organiser/login",
            data={
                "email": "orga@devup.fr",
                "password": "correct horse battery",
                "csrf_token": self.csrf(self.organiser, "/organiser/login"),
            },
        )
        self.token = self.csrf(self.organiser, "/organiser/")
        assert self.organiser.post("/organiser/w/DEVUP/review/open", data={"csrf_token": self.token}).status_code == 302
        with app.app_context():
            self.link = db.session.execute(db.select(ReviewLink.key)).scalars().first()
        self.anonymous = app.test_client()

    @staticmethod
    def csrf(client, path) -> str:
        return TOKEN_RE.search(client.get(path).get_data(as_text=True)).group(1)

    def codes(self):
        return weighted((3, st.sampled_from(["DEVUP", "devup", "TERRITOIRE", " DEVUP "])), (2, texts))


def form(fields: dict) -> st.SearchStrategy[dict]:
    """Form fields, each plausible, hostile or missing."""
    return st.fixed_dictionaries(
        {name: weighted((3, strategy), (1, hostile), (1, st.none())) for name, strategy in fields.items()},
        optional={"extra": texts},
    ).map(lambda values: {k: v for k, v in values.items() if v is not None})


def csrf_of(site) -> st.SearchStrategy:
    return weighted((8, st.just(site.token)), (1, st.just(None)), (1, texts))


# name -> (method, path builder, who, body builder); body: ("form" | "json" | "upload" | None, strategy)
def endpoints(site: Site) -> dict:
    code, any_text = site.codes(), texts
    number = st.integers(-3, 2**40) | st.sampled_from([1, 2, 3])
    participant = st.sampled_from(site.participants + [0, 2**31 - 1, 2**63])
    dates = st.sampled_from(["2027-09-09", "", "2027-02-30", "09/09/2027", "２０２７-０９-０９", "9999-12-31"]) | texts
    definition = st.fixed_dictionaries(
        {
            "code": st.sampled_from(["NEWONE", "DEVUP", "", "x"]) | texts,
            "title": texts,
            "date": dates,
            "tables": st.just([{"number": 1, "theme": "Thème"}]) | hostile,
            "agenda": hostile,
            "language": texts,
        }
    )
    uploads = st.one_of(
        definition.map(lambda d: json.dumps(d).encode()),
        definition.map(lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass")),
        st.binary(max_size=300),
        st.sampled_from([b"", b"- a\n- b", b"code: X\n  bad: [", b"\xff\xfe", b"a: &a [*a]", b"x" * (256 * 1024 + 1)]),
        st.just(DEEP_YAML).filter(lambda _: not WITHOUT_PENDING),
    )
    retention = st.sampled_from(["", "30", "0", "-1", "99999999999999999999", "1.5", " 7 "]) | texts
    if not WITHOUT_PENDING:
        retention = retention | st.sampled_from(PENDING_RETENTION)
    else:
        retention = retention.filter(lambda v: not (v.strip().isdigit() and not v.strip().isascii()))
    organiser_form = {"csrf_token": csrf_of(site)}
    table_fields = {
        f"tables-{slot}-{name}": texts
        for slot in (0, 1)
        for name in ("id", "theme", "question", "facilitator", "facilitator_org", "subtopics", "remove")
    }
    table_fields.update(
        {
            f"agenda-{slot}-{name}": texts
            for slot in (0, 1)
            for name in ("key", "kind", "minutes", "title", "description", "remove")
        }
    )
    table_fields.update(
        {
            name: texts
            for name in (
                "start_time",
                "retention_days",
                "voting-votes_per_person",
                "voting-votes_per_item",
                "voting-target",
                "voting-live",
            )
        }
    )
    return {
        "home": ("GET", st.just("/"), "anyone", None),
        "join_by_code": ("GET", st.just("/join"), "anyone", None),
        "join_page": ("GET", st.tuples(code).map(lambda c: f"/j/{segment(c[0])}"), "anyone", None),
        "join_table_page": ("GET", st.tuples(code, number).map(lambda c: f"/j/{segment(c[0])}/{c[1]}"), "anyone", None),
        "join_api": (
            "POST",
            code.map(lambda c: f"/api/w/{segment(c)}/join"),
            "anyone",
            (
                "json",
                weighted(
                    (
                        4,
                        st.fixed_dictionaries(
                            {},
                            optional={
                                "first_name": texts,
                                "organisation": texts | st.just("Cosmetic Valley"),
                                "table_id": st.sampled_from([1, 2, 3, 0, -1, 2**31, 2**64]) | hostile,
                                "lang": texts,
                            },
                        ),
                    ),
                    (1, hostile),
                ),
            ),
        ),
        "participant_page": ("GET", code.map(lambda c: f"/w/{segment(c)}"), "anyone", None),
        "console": ("GET", code.map(lambda c: f"/w/{segment(c)}/console"), "anyone", None),
        "projector": ("GET", code.map(lambda c: f"/w/{segment(c)}/projector"), "anyone", None),
        "qr": ("GET", code.map(lambda c: f"/qr/{segment(c)}.svg"), "anyone", None),
        "qr_table": ("GET", st.tuples(code, number).map(lambda c: f"/qr/{segment(c[0])}/{c[1]}.svg"), "anyone", None),
        "healthz": ("GET", st.just("/healthz"), "anyone", None),
        "login_page": ("GET", st.just("/organiser/login"), "anyone", None),
        "login": (
            "POST",
            st.just("/organiser/login"),
            "anyone",
            (
                "form",
                form({"email": st.just("orga@devup.fr") | texts, "password": texts, "csrf_token": st.just("fetch")}),
            ),
        ),
        "logout": ("POST", st.just("/organiser/logout"), "anyone", ("form", form({"csrf_token": texts}))),
        "setup": (
            "POST",
            st.just("/organiser/setup"),
            "anyone",
            (
                "form",
                form(
                    {
                        "token": st.just(site.setup_token) | texts,
                        "email": texts,
                        "name": texts,
                        "password": texts,
                        "password2": texts,
                    }
                ),
            ),
        ),
        "setup_page": ("GET", st.just("/organiser/setup"), "anyone", None),
        "organiser_index": ("GET", st.just("/organiser/"), "organiser", None),
        "new_page": ("GET", st.just("/organiser/new"), "organiser", None),
        "new_form": (
            "POST",
            st.just("/organiser/new"),
            "organiser",
            (
                "form",
                form(
                    {
                        **organiser_form,
                        "mode": st.sampled_from(["form", "", "x"]),
                        "code": texts,
                        "title": texts,
                        "purpose": texts,
                        "place": texts,
                        "organiser": texts,
                        "language": texts,
                        "date": dates,
                        "organisations": texts,
                        **table_fields,
                    }
                ),
            ),
        ),
        "new_upload": ("POST", st.just("/organiser/new"), "organiser", ("upload", uploads)),
        "workshop_page": ("GET", code.map(lambda c: f"/organiser/w/{segment(c)}"), "organiser", None),
        "edit_page": ("GET", code.map(lambda c: f"/organiser/w/{segment(c)}/edit"), "organiser", None),
        "edit": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/edit"),
            "organiser",
            (
                "form",
                form(
                    {
                        **organiser_form,
                        "version": st.just("1") | texts,
                        "title": texts,
                        "purpose": texts,
                        "place": texts,
                        "organiser": texts,
                        "language": texts,
                        "date": dates,
                        "organisations": texts,
                        **table_fields,
                    }
                ),
            ),
        ),
        "duplicate_page": ("GET", code.map(lambda c: f"/organiser/w/{segment(c)}/duplicate"), "organiser", None),
        "duplicate": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/duplicate"),
            "organiser",
            ("form", form({**organiser_form, "title": texts, "place": texts, "date": dates})),
        ),
        "settings": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/settings"),
            "organiser",
            ("form", form({**organiser_form, "retention_days": retention, "archived": texts})),
        ),
        "erase": (
            "POST",
            st.tuples(code, participant).map(lambda c: f"/organiser/w/{segment(c[0])}/participants/{c[1]}/erase"),
            "organiser",
            ("form", form(organiser_form)),
        ),
        "exports": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/exports"),
            "organiser",
            (
                "form",
                form(
                    {
                        **organiser_form,
                        "format": texts.filter(lambda f: f not in FORMATS),
                        "anonymise": texts,
                        "lang": texts,
                    }
                ),
            ),
        ),
        "export_status": ("GET", any_text.map(lambda j: f"/organiser/api/exports/{segment(j)}"), "organiser", None),
        "export_download": (
            "GET",
            any_text.map(lambda j: f"/organiser/exports/{segment(j)}/download"),
            "organiser",
            None,
        ),
        "review": ("GET", code.map(lambda c: f"/organiser/w/{segment(c)}/review"), "organiser", None),
        "review_date": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/review/date"),
            "organiser",
            ("form", form({**organiser_form, "on": dates})),
        ),
        "review_open": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/review/open"),
            "organiser",
            ("form", form(organiser_form)),
        ),
        "review_close": (
            "POST",
            code.map(lambda c: f"/organiser/w/{segment(c)}/review/close"),
            "organiser",
            ("form", form(organiser_form)),
        ),
        "review_calendar": (
            "GET",
            code.map(lambda c: f"/organiser/w/{segment(c)}/review/calendar.ics"),
            "organiser",
            None,
        ),
        "review_link_page": ("GET", (st.just(site.link) | texts).map(lambda k: f"/r/{segment(k)}"), "anyone", None),
        "review_link_post": (
            "POST",
            (st.just(site.link) | texts).map(lambda k: f"/r/{segment(k)}"),
            "organiser",
            (
                "form",
                form(
                    {
                        **organiser_form,
                        "action_id": st.just(site.action) | texts,
                        "status": st.sampled_from(["done", "in_progress", "", "x"]) | texts,
                        "progress_note": texts,
                    }
                ),
            ),
        ),
    }


def test_every_route_is_fuzzed(app):
    """A route added to the app without an entry in ENDPOINTS would go unfuzzed: say so."""
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {
        "/",
        "/join",
        "/j/<code>",
        "/j/<code>/<int:number>",
        "/api/w/<code>/join",
        "/w/<code>",
        "/w/<code>/console",
        "/w/<code>/projector",
        "/qr/<code>.svg",
        "/qr/<code>/<int:number>.svg",
        "/healthz",
        "/organiser/login",
        "/organiser/logout",
        "/organiser/setup",
        "/organiser/",
        "/organiser/new",
        "/organiser/w/<code>",
        "/organiser/w/<code>/duplicate",
        "/organiser/w/<code>/edit",
        "/organiser/w/<code>/settings",
        "/organiser/w/<code>/participants/<int:participant_id>/erase",
        "/organiser/w/<code>/exports",
        "/organiser/api/exports/<job_id>",
        "/organiser/exports/<job_id>/download",
        "/organiser/w/<code>/review",
        "/organiser/w/<code>/review/date",
        "/organiser/w/<code>/review/open",
        "/organiser/w/<code>/review/close",
        "/organiser/w/<code>/review/calendar.ics",
        "/r/<key>",
    }
    assert {rule for rule, _method in rules} <= covered, sorted({r for r, _m in rules} - covered)


def bad_answer(response) -> str | None:
    """Why an HTTP answer breaks the promise, or None."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code < 400:
        return None
    if response.is_json:
        body = response.get_json(silent=True)
        if not isinstance(body, dict) or body.get("error") not in MESSAGES:
            return f"JSON error without a known code: {body!r}"
        if not isinstance(body.get("message"), str) or not body["message"].strip():
            return f"JSON error without a message: {body!r}"
        return None
    if not response.get_data(as_text=True).strip():
        return "error page without a message"
    return None


@pytest.fixture
def site(make_app):
    app = make_app(ORGANISER_LOGIN_RATE_LIMIT="0")
    yield Site(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_http_answers_are_never_5xx_and_errors_say_why(site):
    for name, (method, paths, who, body) in sorted(endpoints(site).items()):
        client = site.organiser if who == "organiser" else site.anonymous
        kind, bodies = body if body else (None, st.none())

        @settings(settings.get_profile("fuzz"), max_examples=EXAMPLES)
        @given(
            path=paths, query=queries, data=bodies, accept=st.sampled_from(["text/html", "application/json", "*/*", ""])
        )
        def request(path, query, data, accept):
            url = path + ("?" + urlencode({k: encode(v) for k, v in query.items()}) if query else "")
            headers = {"Accept": accept} if accept else {}
            if kind == "form":
                if data.get("csrf_token") == "fetch":
                    data = {**data, "csrf_token": site.csrf(client, "/organiser/login")}
                payload = urlencode({k: encode(v) for k, v in data.items()})
                call = dict(data=payload, content_type="application/x-www-form-urlencoded")
            elif kind == "json":
                call = dict(data=json.dumps(data), content_type="application/json")
            elif kind == "upload":
                import io

                call = dict(
                    data={"csrf_token": site.token, "mode": "upload", "definition": (io.BytesIO(data), "atelier.yaml")},
                    content_type="multipart/form-data",
                )
            else:
                call = {}
            try:
                response = client.open(url, method=method, headers=headers, **call)
            except Exception as exc:  # TESTING propagates the server's exceptions: that is a 500
                raise AssertionError(f"{name}: {method} {url} {data!r}: {type(exc).__name__}: {exc}") from exc
            problem = bad_answer(response)
            assert problem is None, f"{name}: {method} {url} {data!r}: {problem}"

        request()
