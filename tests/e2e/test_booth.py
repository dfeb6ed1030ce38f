"""End to end: voters use the booth in a real browser, trustees decrypt, the board is
exported, and the independent verifier accepts the browser-made ballots."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from openballot.cli.board_client import BoardClient
from openballot.cli.demo import demo_manifest_path
from openballot.cli.main import app as cli
from openballot.crypto.key_commitment import KeyCommitment
from openballot.crypto.keyceremony import (
    TrusteeShare,
    encrypt_shares,
    generate_trustee,
    receive_shares,
)
from openballot.crypto.signed import SharesMessage, Verdict
from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.context import ElectionContext, ceremony_context
from openballot.election.credentials import CredentialList, new_code, public_credential
from openballot.election.decryption import decrypt_tally
from openballot.election.manifest import Manifest
from openballot.election.tally import Tally

pytestmark = pytest.mark.e2e

# `make screenshots` sets this to docs/ to refresh the pictures there; a test run keeps the
# working tree clean and puts them in a temporary folder.
SHOTS_ENV = "OPENBALLOT_SCREENSHOT_DIR"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def set_up_election(
    url: str, admin: dict[str, str], voters: dict[str, str], manifest: Manifest | None = None
) -> tuple[str, dict[str, str], dict[int, TrusteeShare], ElectionContext]:
    """Create, run the key ceremony (3 trustees, threshold 2), publish credentials, open.
    The demo manifest unless another is given."""
    if manifest is None:
        manifest = Manifest.from_json(json.loads(demo_manifest_path().read_text()))
    c = httpx.Client(base_url=url, timeout=60)
    r = c.post("/api/elections", json={"manifest": manifest.to_json(), "trustees": 3,
                                       "threshold": 2}, headers=admin)
    assert r.status_code == 201, r.text
    eid, tokens = r.json()["election"], r.json()["tokens"]
    context = ceremony_context(manifest, 3, 2)
    secrets, publics = {}, {}
    for i in (1, 2, 3):  # every trustee commits to its key before any key is revealed
        secrets[i], publics[i] = generate_trustee(i, f"trustee {i}", 2, context)
        assert c.post(f"/api/elections/{eid}/trustees/{i}/commitment",
                      json=KeyCommitment.of(publics[i], context).to_json(),
                      headers=bearer(tokens[f"trustee-{i}"])).status_code == 201
    for i in (1, 2, 3):
        assert c.post(f"/api/elections/{eid}/trustees/{i}/key", json=publics[i].to_json(),
                      headers=bearer(tokens[f"trustee-{i}"])).status_code == 201
    keys = [TrusteePublicKey.from_json(k)
            for k in c.get(f"/api/elections/{eid}/ceremony").json()["keys"]]
    for i in (1, 2, 3):
        shares = encrypt_shares(secrets[i], keys, context)
        assert c.post(f"/api/elections/{eid}/trustees/{i}/shares",
                      json=SharesMessage.sign(secrets[i], shares, context).to_json(),
                      headers=bearer(tokens[f"trustee-{i}"])).status_code == 201
    published = c.get(f"/api/elections/{eid}/ceremony").json()["shares"]
    key_shares = {}
    for i in (1, 2, 3):
        mine = [s for sender, message in published.items()
                for s in SharesMessage.from_json(message, int(sender)).shares
                if s.recipient == i]
        share, complaints = receive_shares(secrets[i], keys, mine, context)
        assert share is not None and not complaints
        key_shares[i] = share
        assert c.post(f"/api/elections/{eid}/trustees/{i}/verdict",
                      json=Verdict.sign(secrets[i], (), context).to_json(),
                      headers=bearer(tokens[f"trustee-{i}"])).status_code == 201
    creds = CredentialList.of({
        d: [public_credential(eid, code) for code, dd in voters.items() if dd == d]
        for d in manifest.district_ids()
    })
    assert c.post(f"/api/elections/{eid}/credentials", json=creds.to_json(),
                  headers=bearer(tokens["credential-authority"])).status_code == 201
    assert c.post(f"/api/elections/{eid}/open", headers=admin).status_code == 201
    ctx = ElectionContext.create(manifest, 2, keys, creds)
    return eid, tokens, key_shares, ctx


def vote_in_booth(page: Any, url: str, eid: str, language: str, code: str,
                  choices: dict[str, list[str]], audit_first: bool, shot: str,
                  shots: Path, accessible: Any) -> str:
    page.goto(f"{url}/booth/?election={eid}")
    page.select_option("#language", language)
    page.fill("#code", code)
    page.click("#code-submit")
    for contest, options in choices.items():
        page.wait_for_selector(f'fieldset[data-contest="{contest}"]')
        for option in options:
            page.check(f'fieldset[data-contest="{contest}"] input[data-option="{option}"]')
    page.screenshot(path=str(shots / f"booth-{language}.png"), full_page=True)
    accessible(page, f"booth ballot, {language}")
    page.click("#encrypt")
    first_tracker = page.text_content("#tracker", timeout=30_000)
    if audit_first:
        page.click("#audit")
        page.wait_for_selector("#audit-result", state="visible", timeout=30_000)
        page.screenshot(path=str(shots / f"booth-{language}-audit.png"), full_page=True)
        page.click("#encrypt")
        page.wait_for_function(
            "old => document.querySelector('#tracker').textContent !== old", arg=first_tracker,
            timeout=30_000)
    page.click("#cast")
    page.wait_for_selector("#receipt-status", timeout=30_000)
    # The badge speaks the voter's language; data-status is the same word in all of them.
    status = page.get_attribute("#receipt-status", "data-status")
    page.screenshot(path=str(shots / shot), full_page=True)
    accessible(page, f"booth receipt, {language}")
    assert status == "verified", status
    tracker = page.text_content("#tracker") or ""
    return "".join(tracker.split())


def test_booth_votes_pass_the_verifier(
    server: str, browser: Any, admin_headers: dict[str, str], tmp_path: Path, accessible: Any
) -> None:
    arabic_voter, english_voter, kurdish_voter = new_code(), new_code(), new_code()
    voters = {arabic_voter: "north", english_voter: "south", kurdish_voter: "north"}
    eid, tokens, key_shares, ctx = set_up_election(server, admin_headers, voters)

    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    t1 = vote_in_booth(page, server, eid, "ar", arabic_voter,
                       {"president": ["bashir"], "council-north": ["n1", "n3"],
                        "referendum": ["yes"]}, False, "booth-ar-receipt.png", shots, accessible)
    t2 = vote_in_booth(page, server, eid, "en", english_voter,
                       {"president": ["dilan"], "council-south": ["s2"], "referendum": ["no"]},
                       True, "booth-en-receipt.png", shots, accessible)
    t3 = vote_in_booth(page, server, eid, "ku", kurdish_voter,
                       {"president": ["bashir"], "council-north": ["n5"],
                        "referendum": ["yes"]}, False, "booth-ku-receipt.png", shots, accessible)
    assert len({t1, t2, t3}) == 3

    c = httpx.Client(base_url=server, timeout=120)
    assert c.post(f"/api/elections/{eid}/close", headers=admin_headers).status_code == 201
    tally = Tally.from_json(c.get(f"/api/elections/{eid}/tally").json(), ctx)
    assert dict(tally.counted) == {"north": 2, "south": 1}
    for i in (1, 3):  # trustee 2 stays away
        dec = decrypt_tally(ctx, tally, key_shares[i])
        r = c.post(f"/api/elections/{eid}/trustees/{i}/decryption", json=dec.to_json(),
                   headers=bearer(tokens[f"trustee-{i}"]))
        assert r.status_code == 201, r.text
    result = c.post(f"/api/elections/{eid}/result", headers=admin_headers).json()
    assert result["totals"]["president"] == {"amal": 0, "bashir": 2, "dilan": 1, "farah": 0}
    assert result["totals"]["referendum"] == {"yes": 2, "no": 1}
    assert result["totals"]["council-north"] == {"n1": 1, "n2": 0, "n3": 1, "n4": 0, "n5": 1}

    record = tmp_path / "record"
    BoardClient(c, eid).export(record)
    lines = (record / "ballots.jsonl").read_text().splitlines()
    assert [json.loads(x)["type"] for x in lines] == ["cast", "audit", "cast", "cast"]
    run = CliRunner().invoke(cli, ["verify", str(record), "--workers", "1"])
    assert run.exit_code == 0, run.output
    assert "record verified" in run.output

