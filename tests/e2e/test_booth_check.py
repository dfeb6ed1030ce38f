"""End to end, in a real browser at phone size: the "check my ballot" page (by tracker and by
receipt file, in every language, with the axe-core audit on every state), and the booth's
fixes from the phone test: a failed cast is in view and focused, a lost answer is retried
and recovered, the server's errors are the booth's own words, a choose-one-or-none contest
has a blank radio, and the whole voting code shows at 360 px."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_booth import SHOTS_ENV, set_up_election, vote_in_booth

from openballot.cli.demo import demo_manifest_path
from openballot.election.ballot import encrypt_ballot
from openballot.election.context import ElectionContext
from openballot.election.credentials import credential_secret, new_code
from openballot.election.manifest import Manifest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
ARABIC_INDIC = re.compile("[\u0660-\u0669]")
CHOICES = {
    "north": {"president": ["bashir"], "council-north": ["n2"], "referendum": ["yes"]},
    "south": {"president": ["amal"], "council-south": ["s1"], "referendum": ["no"]},
}


def shots_dir(tmp_path: Path) -> Path:
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def cast_by_api(url: str, eid: str, ctx: ElectionContext, code: str, district: str) -> str:
    """A ballot cast by another device (the Python client): the log grows."""
    ballot, _ = encrypt_ballot(ctx, district, credential_secret(eid, code), CHOICES[district])
    r = httpx.post(f"{url}/api/elections/{eid}/ballots", json={"ballot": ballot.to_json()},
                   timeout=60)
    assert r.status_code == 201, r.text
    return ballot.tracker().hex()


def check(page: Any, tracker: str | None = None, receipt: Path | None = None) -> dict[str, Any]:
    """Submit the check form (a tracker typed in, or a receipt file) and read the verdict."""
    if page.is_visible("#check-result"):
        page.click("#check-again")
    if tracker is not None:
        page.fill("#check-tracker", tracker)
    if receipt is not None:
        page.set_input_files("#check-file", str(receipt))
    page.click("#check-submit")
    page.wait_for_selector("#check-result", state="visible", timeout=30_000)
    return dict(page.evaluate(
        """() => {
            const r = document.querySelector('#check-result');
            const steps = [...document.querySelectorAll('#check-steps li')];
            return {status: r.dataset.status, fate: r.dataset.fate,
                    text: document.querySelector('#check-fate').textContent,
                    role: document.querySelector('#check-fate').getAttribute('role'),
                    steps: Object.fromEntries(steps.map(li => [li.dataset.check, li.dataset.ok])),
                    details: document.querySelector('#check-details').textContent,
                    focused: document.activeElement.id};
        }"""
    ))


def in_view_and_focused(page: Any, selector: str) -> None:
    # A smooth scroll may still be under way: give it a moment, then say where the box is.
    condition = """sel => {
        const el = document.querySelector(sel);
        const r = el.getBoundingClientRect();
        return document.activeElement === el && r.top >= 0 && r.bottom <= innerHeight;
    }"""
    with contextlib.suppress(PlaywrightTimeout):  # the assertions below say what is wrong
        page.wait_for_function(condition, arg=selector, timeout=5_000)
    where = page.evaluate(
        """sel => {
            const el = document.querySelector(sel);
            const r = el.getBoundingClientRect();
            return {focused: document.activeElement === el, active: document.activeElement.id,
                    top: r.top, bottom: r.bottom, height: innerHeight};
        }""",
        selector,
    )
    assert where["focused"], where
    assert 0 <= where["top"] < where["bottom"] <= where["height"], where


@pytest.fixture(scope="module")
def voters() -> dict[str, tuple[str, str]]:
    """name -> (code, district)."""
    return {
        "ar": (new_code(), "north"),
        "ku": (new_code(), "north"),
        "en": (new_code(), "south"),
        "other": (new_code(), "north"),
    }


@pytest.fixture(scope="module")
def election(server: str, admin_headers: dict[str, str],
             voters: dict[str, tuple[str, str]]) -> tuple[str, ElectionContext]:
    eid, _, _, ctx = set_up_election(
        server, admin_headers, {code: district for code, district in voters.values()})
    return eid, ctx


def test_check_my_ballot_by_tracker_and_by_receipt_file_in_every_language(
    server: str, browser: Any, election: tuple[str, ElectionContext], admin_headers: dict[str, str],
    voters: dict[str, tuple[str, str]], tmp_path: Path, accessible: Any,
) -> None:
    eid, ctx = election
    shots = shots_dir(tmp_path)
    page = browser.new_page(viewport=PHONE, accept_downloads=True)
    receipts: dict[str, Path] = {}
    trackers: dict[str, str] = {}
    other_code, other_district = voters["other"]
    for lang in ("ar", "ku", "en"):
        code, district = voters[lang]
        trackers[lang] = vote_in_booth(page, server, eid, lang, code, CHOICES[district], False,
                                       f"unused-{lang}.png", tmp_path, accessible)
        # The receipt: the election's title, one badge in the voter's language, her
        # numerals, her date.
        title = demo_manifest(eid)["title"][lang]
        assert (page.text_content("#election-title") or "").strip() == title
        badge_line = page.text_content(".receipt-status-line") or ""
        assert badge_line.strip() == (page.text_content("#receipt-status") or "").strip()
        assert badge_line.lower().count("verified") <= 1, badge_line
        when = page.text_content('[data-testid="receipt-time"]') or ""
        index = page.text_content('[data-testid="receipt-index"]') or ""
        if lang == "ar":
            assert ARABIC_INDIC.search(when) and not re.search("[0-9]", when), when
            assert ARABIC_INDIC.search(index) and not re.search("[0-9]", index), index
        else:
            assert not ARABIC_INDIC.search(when + index) and re.search("[0-9]", when), when
            assert not re.search(r"\bAM\b|\bPM\b", when) or lang == "en", when
        with page.expect_download() as download:
            page.click("#download")
        receipts[lang] = tmp_path / f"receipt-{lang}.json"
        download.value.save_as(str(receipts[lang]))
        assert json.loads(receipts[lang].read_text())["receipt"]["tracker"] == trackers[lang]

        # The receipt page links to the check page, tracker and language filled in.
        page.click("#check-link")
        page.wait_for_selector("#check-submit")
        assert f"tracker={trackers[lang]}" in page.url
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        assert "".join((page.input_value("#check-tracker")).split()) == trackers[lang]
        assert (page.text_content("#election-title") or "").strip() == title
        accessible(page, f"check page, {lang}")

        by_tracker = check(page)
        assert (by_tracker["status"], by_tracker["fate"]) == ("proven", "recorded"), by_tracker
        assert by_tracker["steps"] == {"signature": "true", "inclusion": "true",
                                       "consistency": "skipped"}
        assert by_tracker["focused"] == "check-result-heading"
        accessible(page, f"check by tracker, {lang}")

        # Another voter casts meanwhile: the log grows past the receipt's head, so the
        # consistency proof has work to do.
        cast_by_api(server, eid, ctx, other_code, other_district)
        by_file = check(page, receipt=receipts[lang])
        assert (by_file["status"], by_file["fate"]) == ("proven", "recorded"), by_file
        assert by_file["steps"] == {"receipt": "true", "signature": "true", "inclusion": "true",
                                    "consistency": "true"}
        if lang == "ar":
            assert ARABIC_INDIC.search(by_file["details"]), by_file["details"]
        accessible(page, f"check by receipt file, {lang}")
        page.screenshot(path=str(shots / f"booth-check-{lang}.png"), full_page=True)

        absent = check(page, tracker="ab" * 32)
        assert (absent["status"], absent["fate"]) == ("absent", "absent"), absent
        accessible(page, f"check of a tracker not on the board, {lang}")

        page.click("#check-again")
        page.fill("#check-tracker", "not a tracker")
        page.click("#check-submit")
        page.wait_for_selector("#check-input-error:not(:empty)")
        assert page.get_attribute("#check-tracker", "aria-invalid") == "true"
        accessible(page, f"check page with a typing mistake, {lang}")

    # The English voter votes again: her first ballot is superseded by the later leaf.
    english_code, english_district = voters["en"]
    later = cast_by_api(server, eid, ctx, english_code, english_district)
    later_index = httpx.get(f"{server}/api/elections/{eid}/ballots/{later}").json()["index"]
    superseded = check(page, receipt=receipts["en"])
    assert (superseded["status"], superseded["fate"]) == ("proven", "superseded"), superseded
    assert str(later_index) in superseded["text"], superseded["text"]

    # A board that lies about the inclusion proof is caught in the browser, and said plainly.
    def lie(route: Any) -> None:
        response = route.fetch()
        answer = response.json()
        first = answer["inclusion_proof"][0]
        answer["inclusion_proof"][0] = ("0" if first[0] != "0" else "1") + first[1:]
        route.fulfill(response=response, json=answer)

    page.route(f"**/api/elections/{eid}/ballots/*", lie)
    lied = check(page, receipt=receipts["ar"])
    page.unroute(f"**/api/elections/{eid}/ballots/*")
    assert lied["status"] == "failed" and lied["role"] == "alert", lied
    assert lied["steps"]["inclusion"] == "false", lied
    accessible(page, "a board caught lying")

    # After the tally the kept receipts say "counted".
    r = httpx.post(f"{server}/api/elections/{eid}/close", headers=admin_headers, timeout=120)
    assert r.status_code == 201, r.text
    counted = check(page, receipt=receipts["ar"])
    assert (counted["status"], counted["fate"]) == ("proven", "counted"), counted
    assert check(page, receipt=receipts["en"])["fate"] == "superseded"

    # The page without an election in its address: the receipt file names it; a tracker
    # alone cannot be looked up, and the page says so.
    page.goto(f"{server}/booth/check.html?lang=ku")
    page.fill("#check-tracker", trackers["ku"])
    page.click("#check-submit")
    page.wait_for_selector("#error", state="visible")
    in_view_and_focused(page, "#error")
    accessible(page, "check page without an election, ku")
    from_file = check(page, receipt=receipts["ku"])
    assert (from_file["status"], from_file["fate"]) == ("proven", "counted"), from_file
    assert (page.text_content("#election-title") or "").strip() == demo_manifest(eid)["title"]["ku"]


def go_to_review(page: Any, url: str, eid: str, lang: str, code: str, district: str,
                 choices: dict[str, list[str]] | None = None) -> None:
    page.goto(f"{url}/booth/?election={eid}&lang={lang}")
    page.fill("#code", code)
    page.click("#code-submit")
    for contest, options in (choices or CHOICES[district]).items():
        page.wait_for_selector(f'fieldset[data-contest="{contest}"]')
        for option in options:
            page.check(f'fieldset[data-contest="{contest}"] input[data-option="{option}"]')
    page.click("#encrypt")
    page.wait_for_selector("#cast:enabled", timeout=30_000)


def test_a_failed_cast_is_in_view_and_focused_in_the_voter_s_language(
    browser: Any, admin_headers: dict[str, str], tmp_path: Path, accessible: Any,
    start_server: Any,
) -> None:
    code = new_code()
    (tmp_path / "board").mkdir()
    with start_server(tmp_path / "board") as (url, proc):
        eid, _, _, _ = set_up_election(url, admin_headers, {code: "north"})
        page = browser.new_page(viewport=PHONE)
        go_to_review(page, url, eid, "ar", code, "north")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        proc.terminate()  # the server is gone: the cast cannot reach it
        proc.wait(timeout=10)
        page.click("#cast")
        page.wait_for_selector("#error", state="visible", timeout=60_000)
        in_view_and_focused(page, "#error")
        assert page.get_attribute("#error", "role") == "alert"
        text = page.text_content("#error-text") or ""
        assert text.strip() and not re.search("[A-Za-z]", text), text
        assert page.is_enabled("#cast")  # the voter may try again
        accessible(page, "a failed cast, ar")


def demo_manifest(election_id: str) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(demo_manifest_path().read_text())
    manifest["election_id"] = election_id
    return manifest


def answer_lost(dropped: list[str], every_time: bool) -> Any:
    """A Playwright route handler that lets a cast reach the board, which stores the ballot,
    and loses its answer on the way back: the first time, or `every_time`."""

    def drop(route: Any) -> None:
        if route.request.method == "POST" and (every_time or not dropped):
            route.fetch()
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    return drop


def test_a_lost_answer_is_retried_and_the_recorded_ballot_shown(
    server: str, browser: Any, admin_headers: dict[str, str], accessible: Any,
) -> None:
    voters = {"lost-1": (new_code(), "north"), "lost-2": (new_code(), "south")}
    eid, _, _, _ = set_up_election(server, admin_headers, dict(voters.values()),
                                   Manifest.from_json(demo_manifest("lost-2026")))
    cast_path = f"**/api/elections/{eid}/ballots"

    def casts() -> int:
        entries = httpx.get(f"{server}/api/elections/{eid}/board/entries").json()["entries"]
        return sum(e["type"] == "cast" for e in entries)

    for name, drop_all in (("lost-1", False), ("lost-2", True)):
        code, district = voters[name]
        page = browser.new_page(viewport=PHONE)
        dropped: list[str] = []
        page.route(cast_path, answer_lost(dropped, drop_all))
        go_to_review(page, server, eid, "en", code, district)
        tracker = page.get_attribute("#tracker", "data-tracker") or ""
        page.click("#cast")
        page.wait_for_selector("#receipt", state="visible", timeout=60_000)
        assert page.get_attribute("#receipt-status", "data-status") == "verified"
        assert "your ballot was recorded" in (page.text_content("#status") or "")
        assert page.is_hidden("#error")
        assert len(dropped) == (4 if drop_all else 1), dropped
        # On the board once, however many times it was sent.
        assert httpx.get(f"{server}/api/elections/{eid}/ballots/{tracker}").status_code == 200
        assert casts() == (2 if drop_all else 1)
        accessible(page, f"a recovered cast ({name})")


def test_blank_radio_the_whole_code_at_360_px_and_a_closed_election_in_kurdish(
    server: str, browser: Any, admin_headers: dict[str, str], accessible: Any,
) -> None:
    manifest = demo_manifest("blank-2026")
    referendum = next(c for c in manifest["contests"] if c["id"] == "referendum")
    referendum["min_selections"], referendum["max_selections"] = 0, 1
    first, second = new_code(), new_code()
    eid, _, _, _ = set_up_election(server, admin_headers, {first: "north", second: "north"},
                                   Manifest.from_json(manifest))
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{server}/booth/?election={eid}&lang=ku")
    page.fill("#code", first)
    assert page.evaluate("(() => { const c = document.querySelector('#code');"
                         " return c.scrollWidth <= c.clientWidth; })()"), "the code is cut off"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.click("#code-submit")
    fieldset = 'fieldset[data-contest="referendum"]'
    page.wait_for_selector(fieldset)
    kinds = page.eval_on_selector_all(f"{fieldset} input", "els => els.map(e => e.type)")
    assert kinds == ["radio", "radio", "radio"]
    assert page.is_visible(f'{fieldset} input[data-blank="true"]')
    assert page.eval_on_selector_all('fieldset[data-contest="president"] input[data-blank]',
                                     "els => els.length") == 0  # one is required there
    for contest, options in CHOICES["north"].items():
        if contest != "referendum":
            page.check(f'fieldset[data-contest="{contest}"] input[data-option="{options[0]}"]')
    page.check(f'{fieldset} input[data-option="yes"]')
    page.check(f'{fieldset} input[data-blank="true"]')  # changed her mind: blank
    accessible(page, "ballot with a blank radio, ku, 360 px")
    page.click("#encrypt")
    page.wait_for_selector("#audit:enabled", timeout=30_000)
    page.click("#audit")
    page.wait_for_selector("#audit-result", state="visible", timeout=30_000)
    assert page.get_attribute('dd[data-contest="referendum"]', "data-chosen") == ""
    page.click("#encrypt")
    page.wait_for_selector("#cast:enabled", timeout=30_000)
    page.click("#cast")
    page.wait_for_selector("#receipt", state="visible", timeout=30_000)
    assert page.get_attribute("#receipt-status", "data-status") == "verified"

    # The second voter reaches her review; voting closes before she casts. The booth says it
    # in Kurmanji, not the server's English, which waits in a closed disclosure.
    go_to_review(page, server, eid, "ku", second, "north",
                 {"president": ["amal"], "council-north": ["n1"]})
    r = httpx.post(f"{server}/api/elections/{eid}/close", headers=admin_headers, timeout=120)
    assert r.status_code == 201, r.text
    page.click("#cast")
    page.wait_for_selector("#error", state="visible", timeout=30_000)
    in_view_and_focused(page, "#error")
    assert (page.text_content("#error-text") or "").strip() == (
        "Dengdan girtî ye. Pusulaya te nehat tomarkirin.")
    assert not page.is_visible("#error-detail")
    assert "the election is closed" in (page.text_content("#error-detail") or "")
    assert "closed" not in (page.inner_text("#error") or "")
    accessible(page, "a cast after the close, ku")

    # Opening the booth of the closed election: its state in the voter's words, not the
    # server's English name for it.
    page.goto(f"{server}/booth/?election={eid}&lang=ar")
    page.wait_for_selector("#error", state="visible")
    assert (page.text_content("#error-text") or "").strip() == "انتهى التصويت. يجري فرز الأصوات."
    assert "closed" not in (page.inner_text("#error") or "")
    accessible(page, "the booth of a closed election, ar")
