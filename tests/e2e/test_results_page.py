"""End to end: the results page and the live observer view in a real browser, in each
language, audited by axe-core; the observer's alarm when the board's head or proof is wrong;
and the static copy of the page written next to an exported record.

The election's manifest declares seats (plurality, D'Hondt with a threshold, Hare) and a
registered-voter count: what the page shows is the board's own result, with the figures,
seats and ties the board computed and the verifier recomputes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from openballot.cli.board_client import BoardClient
from openballot.cli.results_site import write_results_site
from openballot.election.manifest import Manifest
from openballot.testing import demo_manifest_json

pytestmark = pytest.mark.e2e

SHOTS_ENV = "OPENBALLOT_SCREENSHOT_DIR"
E2E_ADMIN = "Bearer e2e-admin-token"
LANGUAGES = ("ar", "ku", "en")

#: contest -> (allocation, seats, threshold_percent or None); the referendum has no seats.
SEATS = {
    "president": ("plurality", 1, None),
    "council-north": ("dhondt", 4, 5),
    "council-south": ("hare", 2, None),
}
REGISTERED = {"north": 1200}  # the south gives no registered-voter count
#: (voter number, choices): voters 0-3 live in the north, 4-6 in the south.
VOTES = [
    (0, {"president": ["amal"], "council-north": ["n1", "n2"], "referendum": ["yes"]}),
    (1, {"president": ["bashir"], "council-north": ["n1"], "referendum": ["no"]}),
    (2, {"president": ["amal"], "council-north": ["n2", "n3"], "referendum": ["yes"]}),
    (3, {"president": ["dilan"], "council-north": ["n1", "n4"], "referendum": ["yes"]}),
    (4, {"president": ["amal"], "council-south": ["s1"], "referendum": ["no"]}),
    (5, {"president": ["bashir"], "council-south": ["s2", "s1"], "referendum": ["yes"]}),
    (6, {"president": ["amal"], "council-south": [], "referendum": ["yes"]}),
]


def seated_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    m = json.loads(json.dumps(manifest))
    for c in m["contests"]:
        if c["id"] in SEATS:
            method, seats, threshold = SEATS[c["id"]]
            c.update({"seats": seats, "allocation": method})
            if threshold is not None:
                c["threshold_percent"] = threshold
    for d in m["districts"]:
        if d["id"] in REGISTERED:
            d["registered"] = REGISTERED[d["id"]]
    return m


def board_election(kit: Any, url: str, election_id: str) -> Any:
    """An election of the demo manifest set up on the e2e server through its API (the
    helpers' admin token rewritten to the e2e server's)."""

    def e2e_admin(request: httpx.Request) -> None:
        if request.headers.get("authorization") == f"Bearer {kit.ADMIN_TOKEN}":
            request.headers["authorization"] = E2E_ADMIN

    client = httpx.Client(base_url=url, timeout=120, event_hooks={"request": [e2e_admin]})
    manifest = demo_manifest_json()
    manifest["election_id"] = election_id
    ceremony = kit.make_ceremony(Manifest.from_json(seated_manifest(manifest)))
    return kit.ElectionOnBoard(client, ceremony).setup()


def cast_votes(e: Any, votes: list[tuple[int, dict[str, list[str]]]]) -> None:
    for voter, choices in votes:
        district = e.voters[voter][0]
        style = {x.id for x in e.ceremony.manifest.ballot_style(district)}
        mine = {c: o for c, o in choices.items() if c in style}
        r = e.cast(e.ceremony.ballot(voter, mine)[0])
        assert r.status_code == 201, r.text


@pytest.fixture(scope="module")
def finished(server: str, kit: Any) -> dict[str, Any]:
    """A finished election on the e2e server, with what the board says of it."""
    e = board_election(kit, server, "results-e2e")
    cast_votes(e, VOTES)
    e.finish()
    info = e.client.get(e.path()).json()
    result = e.client.get(e.path("/result")).json()
    assert result["seats"] and result["figures"]["districts"]
    return {"e": e, "info": info, "result": result}


def shots_dir(tmp_path: Path) -> Path:
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def check_results(page: Any, language: str) -> None:
    page.wait_for_selector('[data-testid="contest-council-north"]', timeout=30_000)
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
    assert page.is_hidden('[data-testid="error"]') and page.is_hidden('[data-testid="alarm"]')
    assert page.is_visible('[data-testid="head-ok"]')
    north = page.locator('[data-testid="contest-council-north"]')
    # Every chart has a table with a caption behind it, and the chart is hidden from readers.
    assert page.locator("figure svg.chart[aria-hidden='true']").count() == page.locator(
        "figure table caption").count() == 3 + 4 + 1  # seats, votes, turnout
    seats = north.locator("svg.chart rect[data-seat]")
    assert seats.count() == 4
    labels = {"ar": "قائمة النهر", "ku": "Lîsteya Çem", "en": "River list"}
    assert labels[language] in north.inner_text()
    assert "n1" not in north.inner_text().split()  # labels, never ids
    assert north.locator('[data-testid="tie"]').count() == 1
    assert north.locator('[data-testid="excluded"]').count() == 1
    turnout = page.locator('[data-testid="turnout"]').inner_text()
    north_name = {"ar": "الدائرة الشمالية", "ku": "Herêma bakur", "en": "Northern district"}
    assert north_name[language] in turnout


def test_results_page_in_each_language(
    server: str, browser: Any, finished: dict[str, Any], tmp_path: Path, accessible: Any
) -> None:
    e = finished["e"]
    shots = shots_dir(tmp_path)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{server}/results/?election={e.election_id}&lang=en")
    check_results(page, "en")
    en = page.locator('[data-testid="contest-council-north"]').inner_text()
    # The numbers on the page are the result's: n1 has 3 of the 7 votes, and 2 of the 4 seats
    # or 3 (the public draw, seeded by the ballot log the tally counts, settles a 4-way tie for the
    # last seat).
    seats = {s["option"]: s["seats"] for s in finished["result"]["seats"]
             if s["contest"] == "council-north"}
    assert sum(seats.values()) == 4 and seats["n1"] >= 2 and seats["n2"] >= 1
    row = rf"River list\s+3\s+42\.9%\s+{seats['n1']}\s+Wins a seat"
    assert re.search(row, en), en
    assert "Mountain list" in en and "Independents" in en
    assert page.get_attribute('[data-testid="download"]', "href") == (
        f"/api/elections/{e.election_id}/record.zip")
    fingerprint = finished["info"]["fingerprint"]
    assert page.text_content("#fingerprint-full").replace(" ", "") == fingerprint
    for language in LANGUAGES:
        page.select_option('[data-testid="language"]', language)
        check_results(page, language)
        page.screenshot(path=str(shots / f"results-{language}.png"), full_page=True)
        accessible(page, f"results page, {language}")
    page.close()


def test_the_download_link_gives_the_record(server: str, finished: dict[str, Any],
                                            tmp_path: Path, kit: Any) -> None:
    e = finished["e"]
    r = httpx.get(f"{server}/api/elections/{e.election_id}/record.zip", timeout=60)
    assert r.status_code == 200
    archive = tmp_path / "record.zip"
    archive.write_bytes(r.content)
    shutil.unpack_archive(archive, tmp_path)
    done = kit.cli("verify", str(tmp_path / f"{e.election_id}-record"))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def voting(server: str, kit: Any) -> Any:
    e = board_election(kit, server, "observer-e2e")
    cast_votes(e, VOTES[:2] + VOTES[4:5])
    return e


def monitor_text(page: Any) -> str:
    return str(page.text_content('[data-testid="monitor"]'))


def test_observer_view_in_each_language(
    server: str, browser: Any, voting: Any, tmp_path: Path, accessible: Any
) -> None:
    e = voting
    shots = shots_dir(tmp_path)
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{server}/results/?election={e.election_id}&lang=en&poll=1&bucket=60")
    page.wait_for_selector('[data-testid="live"] figure', timeout=30_000)
    assert page.is_hidden('[data-testid="results"]')
    live = page.locator('[data-testid="live"]').inner_text()
    assert "Northern district" in live and "Southern district" in live
    page.wait_for_function(
        "() => document.querySelector('[data-testid=monitor]').textContent"
        ".startsWith('2 tree heads')", timeout=30_000)
    size = int(page.text_content('[data-testid="head-size"]') or "0")
    # A new ballot: the page sees a larger head, and checks it against the one it had.
    cast_votes(e, VOTES[2:3])
    page.wait_for_function(
        "size => Number(document.querySelector('[data-testid=head-size]').textContent) > size",
        arg=size, timeout=30_000)
    page.wait_for_function(
        "() => /^\\d+ tree heads checked/.test(document.querySelector('[data-testid=monitor]')"
        ".textContent)", timeout=30_000)
    rows = page.locator('[data-testid="live"] table tbody tr')
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
    assert [sum(int(row[j]) for row in cells) for j in (0, 1)] == [3, 1], cells  # north, south
    assert page.is_hidden('[data-testid="alarm"]')
    for language in LANGUAGES:
        page.select_option('[data-testid="language"]', language)
        page.wait_for_selector('[data-testid="live"] figure')
        assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")
        page.screenshot(path=str(shots / f"observer-{language}.png"), full_page=True)
        accessible(page, f"observer view, {language}")
    page.close()


def test_observer_alarm_on_a_rewritten_history(server: str, browser: Any, voting: Any,
                                               accessible: Any) -> None:
    """A consistency proof that does not lead from the head the page saw: the alarm."""
    e = voting
    page = browser.new_page()

    def forged(route: Any) -> None:
        answer = json.loads(route.fetch().text())
        answer["proof"] = ["00" * 32 for _ in answer["proof"]] or ["00" * 32]
        route.fulfill(json=answer)

    page.route(re.compile(r".*/board/consistency\?.*"), forged)
    page.goto(f"{server}/results/?election={e.election_id}&lang=ar&poll=1")
    page.wait_for_selector('[data-testid="live"] figure', timeout=30_000)
    assert page.is_hidden('[data-testid="alarm"]')
    cast_votes(e, VOTES[3:4])
    page.wait_for_selector('[data-testid="alarm"]', state="visible", timeout=30_000)
    alarm = page.text_content('[data-testid="alarm"]') or ""
    assert alarm.startswith("إنذار") and "history was rewritten" in alarm, alarm
    accessible(page, "observer alarm, ar")
    page.close()


def test_observer_alarm_on_a_forged_signature(server: str, browser: Any, voting: Any) -> None:
    e = voting
    page = browser.new_page()

    def forged(route: Any) -> None:
        head = json.loads(route.fetch().text())
        first = "ff" if head["signature"][:2] != "ff" else "00"
        head["signature"] = first + head["signature"][2:]
        route.fulfill(json=head)

    page.route(f"{server}/api/elections/{e.election_id}/board/tree-head", forged)
    page.goto(f"{server}/results/?election={e.election_id}&lang=en")
    page.wait_for_selector('[data-testid="alarm"]', state="visible", timeout=30_000)
    assert "signature does not verify" in (page.text_content('[data-testid="alarm"]') or "")
    assert page.is_hidden('[data-testid="head-ok"]')
    page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_static_copy_renders_from_local_files(
    browser: Any, finished: dict[str, Any], tmp_path: Path, accessible: Any
) -> None:
    """write_results_site next to an exported record, served by a plain HTTP server: the
    page reads data/ (never an API) and shows the same results."""
    e = finished["e"]
    record = tmp_path / "record"
    BoardClient(e.client, e.election_id).export(record)
    site = tmp_path / "site"
    index = write_results_site(record, site)
    assert index == site / "index.html"
    assert {p.name for p in site.iterdir()} >= {"index.html", "results.js", "results.css",
                                                  "data", "record.zip"}
    port = _free_port()
    http = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                             "127.0.0.1", "--directory", str(site)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "python -m http.server did not start"
            time.sleep(0.1)
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url))
        page.goto(f"http://127.0.0.1:{port}/?lang=ku")
        check_results(page, "ku")
        assert page.is_visible('[data-testid="static-note"]')
        assert page.is_hidden('[data-testid="live"]')
        assert page.get_attribute('[data-testid="download"]', "href") == "record.zip"
        assert not [u for u in asked if "/api/" in u], asked
        accessible(page, "static results page, ku")
        page.close()
    finally:
        http.terminate()
        http.wait(timeout=10)


def test_results_page_on_a_phone(server: str, browser: Any, finished: dict[str, Any],
                                 accessible: Any) -> None:
    """At 360 px the page does not scroll sideways (wide tables scroll in their own box)."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{server}/results/?election={finished['e'].election_id}&lang=ar")
    check_results(page, "ar")
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    accessible(page, "results page on a phone, ar")
    page.close()
