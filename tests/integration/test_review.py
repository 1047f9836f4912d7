"""The nine-month review: date and .ics, opening (personal links), the link page, the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import icalendar
import pytest

from facilitator.extensions import db
from facilitator.models import Action, Event, ReviewLink, Workshop
from facilitator.review_dates import add_months
from facilitator.views.organiser_auth import create_organiser
from tests.conftest import events_of, new_id

PASSWORD = "correct horse battery"


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def organiser_client(app, email="orga@devup.example"):
    """A test client logged in to the organiser space."""
    with app.app_context():
        create_organiser(email, PASSWORD, "Orga")
        db.session.commit()
    client = app.test_client()
    page = client.get("/organiser/login").get_data(as_text=True)
    response = client.post(
        "/organiser/login", data={"email": email, "password": PASSWORD, "csrf_token": token_of(page)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_form(client, url, data=None, page_url=None):
    """POST a form with the CSRF token read from a page of the same session."""
    html = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={**(data or {}), "csrf_token": token_of(html)})


PLAN = [  # (table, owner, title, status)
    (0, "Cosmetic Valley", "Parrainage des nouveaux adhérents", "not_started"),
    (0, "Cosmetic Valley", "Grille de cotisations revue", "in_progress"),
    (1, "Dev'Up", "Charte des bénévoles", "done"),
    (1, "Région Centre-Val de Loire", "Appel à projets commun", "dropped"),
    (2, "Dev'Up", "Plateforme de mentorat", "not_started"),
]


@pytest.fixture
def plan(room):
    """The seed workshop with five actions on three tables, owned by three organisations."""
    facilitator = room.facilitator()
    ids = []
    for table, owner, title, status in PLAN:
        ident = new_id()
        ack = facilitator.emit(
            "create_action",
            {
                "id": ident,
                "title": title,
                "owner_org": owner,
                "table_id": room.table_ids[table],
                "due_on": "2027-06-30",
            },
            callback=True,
        )
        assert ack["ok"], ack
        if status != "not_started":
            assert facilitator.emit("update_action", {"id": ident, "status": status}, callback=True)["ok"]
        ids.append(ident)
    facilitator.get_received()
    room.staff = facilitator
    return ids


def review_url(room, suffix=""):
    return f"/organiser/w/{room.code}/review{suffix}"


def links_of(app, workshop_id):
    with app.app_context():
        return {
            link.organisation: link.key
            for link in db.session.query(ReviewLink).filter(ReviewLink.workshop_id == workshop_id)
        }


def test_review_pages_need_an_organiser(room, plan):
    anonymous = room.app.test_client()
    assert anonymous.get(review_url(room)).status_code == 302  # to the login page
    assert anonymous.get(review_url(room, "/calendar.ics")).status_code == 302
    # A facilitator's key opens the console, never the organiser space.
    assert anonymous.get(review_url(room) + f"?key={room.facilitator_key}").status_code == 302
    for suffix in ("/open", "/close", "/date"):
        assert anonymous.post(review_url(room, suffix), data={"on": "2027-01-01"}).status_code in (400, 401)
    with room.app.app_context():
        assert db.session.get(Workshop, room.workshop_id).review_open is False
    # Logged in, a POST without the CSRF token is refused too.
    client = organiser_client(room.app)
    assert client.post(review_url(room, "/open")).status_code == 400
    with room.app.app_context():
        assert db.session.get(Workshop, room.workshop_id).review_open is False


def test_review_date_default_set_reset_and_ics_parse_back(room, plan):
    client = organiser_client(room.app)
    page = client.get(review_url(room)).get_data(as_text=True)
    assert 'data-date="2027-09-09"' in page  # the definition's planned date
    projector = room.projector()
    response = post_form(client, review_url(room, "/date"), {"on": "2027-10-05"}, review_url(room))
    assert response.status_code == 302
    assert [e["type"] for e in events_of(projector)] == ["review_changed"]
    ics = client.get(review_url(room, "/calendar.ics"))
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "attachment" in ics.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(ics.data)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2027, 10, 5)
    assert event.decoded("dtend") == dt.date(2027, 10, 6)
    assert str(event["summary"]) == "Bilan de l'atelier « Pôles et clusters : renforcer le modèle économique »"
    assert str(event["description"]).startswith("Premier bilan")
    assert str(event["uid"]) == "review-devup@facilitator"
    # RFC 5545: CRLF line ends, lines folded at 75 octets.
    assert all(len(line) <= 75 for line in ics.data.split(b"\r\n"))
    # Bad dates are refused with the message; nothing changes.
    bad = post_form(client, review_url(room, "/date"), {"on": "05/10/2027"}, review_url(room))
    assert bad.status_code == 400 and "AAAA-MM-JJ" in bad.get_data(as_text=True)
    # Empty: back to the default.
    post_form(client, review_url(room, "/date"), {"on": ""}, review_url(room))
    assert 'data-date="2027-09-09"' in client.get(review_url(room)).get_data(as_text=True)


def test_default_date_is_workshop_date_plus_months_after(app):
    assert add_months(dt.date(2026, 12, 10), 9) == dt.date(2027, 9, 10)
    assert add_months(dt.date(2027, 5, 31), 9) == dt.date(2028, 2, 29)
    from facilitator.review_dates import default_review_date

    with app.app_context():
        workshop = db.session.query(Workshop).filter_by(code="DEVUP").one()
        definition = dict(workshop.definition)
        definition["review"] = {"months_after": 9}
        workshop.definition = definition
        assert default_review_date(workshop) == add_months(workshop.starts_on, 9)


def test_opening_makes_one_link_per_owner_and_the_dashboard_lists_them(room, plan):
    client = organiser_client(room.app)
    projector = room.projector()
    assert post_form(client, review_url(room, "/open"), page_url=review_url(room)).status_code == 302
    links = links_of(room.app, room.workshop_id)
    assert sorted(links) == ["Cosmetic Valley", "Dev'Up", "Région Centre-Val de Loire"]
    event = events_of(projector)[0]
    assert event["type"] == "review_changed" and event["data"]["review"]["open"] is True
    assert sorted(event["data"]["links_created"]) == sorted(links)
    assert all(key not in str(event) for key in links.values())  # keys never reach staff screens
    page = client.get(review_url(room)).get_data(as_text=True)
    for key in links.values():
        assert f"/r/{key}" in page
    assert page.count("mailto:?subject=") == 3
    # Opening again keeps the links; a new owner gets one.
    room.staff.emit("create_action", {"id": new_id(), "title": "Nouveau", "owner_org": "CCI"}, callback=True)
    post_form(client, review_url(room, "/open"), page_url=review_url(room))
    again = links_of(room.app, room.workshop_id)
    assert {k: again[k] for k in links} == links and "CCI" in again


def test_a_link_updates_its_own_actions_only(room, plan):
    client = organiser_client(room.app)
    post_form(client, review_url(room, "/open"), page_url=review_url(room))
    links = links_of(room.app, room.workshop_id)
    owner = room.app.test_client()
    url = f"/r/{links['Cosmetic Valley']}"
    page = owner.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Parrainage des nouveaux adhérents" in html and "Grille de cotisations revue" in html
    assert "Charte des bénévoles" not in html and "Plateforme de mentorat" not in html
    staff = room.staff
    staff.get_received()
    response = owner.post(
        url,
        data={
            "csrf_token": token_of(html),
            "action_id": plan[0],
            "status": "in_progress",
            "progress_note": "Trois binômes formés.",
        },
    )
    assert response.status_code == 302 and f"saved={plan[0]}" in response.headers["Location"]
    event = events_of(staff)[0]
    assert event["type"] == "action_updated" and event["data"]["by"] == "review"
    assert event["data"]["action"]["status"] == "in_progress"
    assert event["data"]["action"]["progress_note"] == "Trois binômes formés."
    # Another organisation's action: refused as unknown, nothing changes.
    html = owner.get(url).get_data(as_text=True)
    for other in (plan[2], plan[4]):
        refused = owner.post(
            url, data={"csrf_token": token_of(html), "action_id": other, "status": "done", "progress_note": "piraté"}
        )
        assert refused.status_code == 404
    with room.app.app_context():
        assert db.session.get(Action, plan[2]).status == "done" and db.session.get(Action, plan[2]).progress_note == ""
        assert db.session.get(Action, plan[4]).status == "not_started"
        assert db.session.get(Action, plan[0]).status == "in_progress"
    # Without the form token: refused. With a bad status: a clear message.
    no_token = owner.post(url, data={"action_id": plan[0], "status": "done"})
    assert no_token.status_code == 400 and "Le formulaire a expiré" in no_token.get_data(as_text=True)
    bad = owner.post(url, data={"csrf_token": token_of(html), "action_id": plan[0], "status": "finished"})
    assert bad.status_code == 400 and "Statut inconnu" in bad.get_data(as_text=True)
    english = owner.post(url + "?lang=en", data={"csrf_token": token_of(html), "action_id": plan[0], "status": "x"})
    assert "Unknown status" in english.get_data(as_text=True)
    assert room.app.test_client().get("/r/not-a-real-key-at-all").status_code == 404


def test_closed_review_is_read_only(room, plan):
    client = organiser_client(room.app)
    post_form(client, review_url(room, "/open"), page_url=review_url(room))
    links = links_of(room.app, room.workshop_id)
    owner = room.app.test_client()
    url = "/r/" + links["Dev'Up"]
    token = token_of(owner.get(url).get_data(as_text=True))
    assert post_form(client, review_url(room, "/close"), page_url=review_url(room)).status_code == 302
    html = owner.get(url).get_data(as_text=True)
    assert 'id="review-closed"' in html and "lecture seule" in html
    assert 'name="status"' not in html  # no form
    refused = owner.post(url, data={"csrf_token": token, "action_id": plan[2], "status": "dropped"})
    assert refused.status_code == 409 and "Le bilan est fermé" in refused.get_data(as_text=True)
    with room.app.app_context():
        assert db.session.get(Action, plan[2]).status == "done"
        types = [e.type for e in db.session.query(Event).filter(Event.workshop_id == room.workshop_id)]
        assert types.count("review_changed") == 2


class _Cells(HTMLParser):
    """Text of the cells of one table (by id) as {row key: {status or figure: text}}."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.rows, self.row, self.cell = table_id, False, {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr" and "data-key" in attrs:
            self.row = self.rows.setdefault(attrs["data-key"], {})
        elif self.inside and self.row is not None and tag == "td":
            self.cell = attrs.get("data-status") or attrs.get("data-figure")
            self.row[self.cell] = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.row[self.cell] += data.strip()


def cells(html, table_id):
    parser = _Cells(table_id)
    parser.feed(html)
    return parser.rows


def test_dashboard_figures_per_theme_and_organisation(room, plan):
    client = organiser_client(room.app)
    html = client.get(review_url(room)).get_data(as_text=True)
    orgs = cells(html, "table-organisation")
    assert orgs["Cosmetic Valley"] == {
        "not_started": "1",
        "in_progress": "1",
        "done": "0",
        "dropped": "0",
        "total": "2",
        "done_share": "0 %",
    }
    assert orgs["Dev'Up"]["done"] == "1" and orgs["Dev'Up"]["total"] == "2" and orgs["Dev'Up"]["done_share"] == "50 %"
    assert orgs["Région Centre-Val de Loire"]["dropped"] == "1"
    themes = cells(html, "table-theme")
    assert [themes[str(room.table_ids[i])]["total"] for i in range(3)] == ["2", "2", "1"]
    assert themes[str(room.table_ids[1])]["done_share"] == "100 %"  # one done, one dropped
    # The SVG charts: one bar per row, segment lengths proportional to the counts.
    rects = re.findall(r'<rect class="st-(\w+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', html)
    assert len(rects) == 5 + 5  # five actions, drawn once per chart, one status each
    # Bars scale to the largest row (2 actions = 600 units): one action is 300 units wide,
    # and a row's second segment starts where its first one ends.
    assert {float(w) for _, _, w in rects} == {300.0}
    assert sorted({float(x) for _, x, _ in rects}) == [200.0, 500.0]
    assert "<script" not in html.split("</head>")[1]  # no inline script in the body (CSP)
    # A review update shows on the dashboard.
    post_form(client, review_url(room, "/open"), page_url=review_url(room))
    key = links_of(room.app, room.workshop_id)["Cosmetic Valley"]
    owner = room.app.test_client()
    token = token_of(owner.get(f"/r/{key}").get_data(as_text=True))
    owner.post(f"/r/{key}", data={"csrf_token": token, "action_id": plan[1], "status": "done"})
    orgs = cells(client.get(review_url(room)).get_data(as_text=True), "table-organisation")
    assert orgs["Cosmetic Valley"]["done"] == "1" and orgs["Cosmetic Valley"]["done_share"] == "50 %"
