"""Every problem detail carries a stable machine `code` (server/problems.py): each error a voter
can meet has its own, the OpenAPI document and docs/server.md list them all, and the booth has
its own words for every one (web/src/problems.js)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import httpx

from openballot.crypto.group import Scalar
from openballot.election.ballot import encrypt_ballot
from openballot.election.credentials import credential_secret, new_code
from openballot.server.problems import PROBLEM_CODES

REPO = Path(__file__).resolve().parents[2]


def code_of(kit: Any, r: httpx.Response, status: int, code: str, *words: str) -> None:
    kit.is_problem(r, status, *words)
    body = r.json()
    assert body["code"] == code, body
    assert body["code"] in PROBLEM_CODES


def cast(e: Any, ballot: dict[str, Any]) -> httpx.Response:
    return e.client.post(e.path("/ballots"), json={"ballot": ballot})


def test_the_codes_of_a_voter_s_cast(kit: Any, sqlite_election: Any, make_election: Any) -> None:
    e = sqlite_election
    ballot, opening = e.ceremony.ballot(0)
    good = ballot.to_json()

    forged = copy.deepcopy(good)
    response = Scalar.from_hex(forged["signature"]["response"]) + Scalar(1)
    forged["signature"]["response"] = response.hex()
    code_of(kit, cast(e, forged), 422, "bad-signature", "signature")

    bad_proof = copy.deepcopy(good)
    proof = bad_proof["contests"][0]["selections"][0]["proof"]
    proof["responses"][0] = (Scalar.from_hex(proof["responses"][0]) + Scalar(1)).hex()
    code_of(kit, cast(e, kit.signed_again(e, bad_proof)), 422, "bad-proof", "fails")

    wrong_style = {**good, "district": "south"}
    code_of(kit, cast(e, wrong_style), 422, "wrong-ballot-style", "ballot style")
    code_of(kit, cast(e, {**good, "district": "east"}), 422, "wrong-ballot-style", "east")

    stranger, _ = encrypt_ballot(
        e.ctx,
        "north",
        credential_secret(e.election_id, new_code()),
        {"president": ["amal"], "council-north": ["n1"], "referendum": ["yes"]},
    )
    code_of(kit, cast(e, stranger.to_json()), 422, "not-eligible", "credential list")

    other_ceremony = kit.make_ceremony(kit.demo_manifest("other-2026"))
    make_election(ceremony_=other_ceremony, client=e.client, board=e.board)
    theirs, _ = other_ceremony.ballot(0)
    code_of(kit, cast(e, theirs.to_json()), 422, "wrong-election", "another election")

    code_of(kit, e.client.post(e.path("/ballots"), content=b"{"), 400, "malformed")
    code_of(kit, cast(e, {"x": 1}), 400, "malformed")

    # Order: an audited ballot is never cast, a cast one never audited; a replay is a 200.
    challenged, challenged_opening = e.ceremony.ballot(1)
    assert e.audit(challenged, challenged_opening).status_code == 201
    code_of(kit, cast(e, challenged.to_json()), 409, "audited-ballot", "audited")
    assert cast(e, good).status_code == 201
    assert cast(e, good).status_code == 200
    code_of(kit, e.audit(ballot, opening), 409, "already-on-board", "already")


def test_the_codes_of_the_phase_and_of_look_ups(
    kit: Any, sqlite_url: str, make_election: Any
) -> None:
    e = make_election(sqlite_url, open_=False)
    ballot, _ = e.ceremony.ballot(0)
    code_of(kit, cast(e, ballot.to_json()), 409, "election-not-open", "not open")
    assert e.open().status_code == 201
    code_of(
        kit,
        e.client.get(e.path(f"/ballots/{ballot.tracker().hex()}")),
        404,
        "unknown-tracker",
        "no ballot",
    )
    code_of(kit, e.client.get(e.path(f"/credentials/{'ab' * 32}")), 404, "unknown-credential")
    code_of(kit, e.client.get(e.path("/credentials/zz")), 400, "malformed", "credential")
    code_of(kit, e.client.get("/api/elections/nope"), 404, "unknown-election", "nope")
    code_of(kit, e.client.get("/api/nowhere"), 404, "not-found")
    code_of(kit, e.client.post(e.path("/close")), 403, "forbidden", "token")
    assert e.cast(ballot).status_code == 201
    assert e.close().status_code == 201
    late, _ = e.ceremony.ballot(1)
    code_of(kit, cast(e, late.to_json()), 409, "election-closed", "closed")
    code_of(
        kit,
        e.client.post(
            e.path("/ballots"),
            content=b"x" * (1 << 21),
            headers={"Content-Type": "application/json"},
        ),
        413,
        "too-large",
    )


def test_every_code_is_listed_documented_and_translated(sqlite_election: Any) -> None:
    assert len(set(PROBLEM_CODES)) == len(PROBLEM_CODES)
    for code in PROBLEM_CODES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code
    schema = sqlite_election.client.get("/openapi.json").json()
    problem = next(
        response["content"]["application/problem+json"]["schema"]
        for path in schema["paths"].values()
        for operation in path.values()
        for status, response in operation.get("responses", {}).items()
        if status == "409"
    )
    assert "code" in problem["required"]
    assert problem["properties"]["code"]["enum"] == list(PROBLEM_CODES)

    docs = (REPO / "docs" / "server.md").read_text(encoding="utf-8")
    section = docs[docs.index("### Problem codes") :]
    section = section[: section.index("\n## ")]
    documented = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE)
    assert sorted(documented) == sorted(PROBLEM_CODES)

    booth = (REPO / "web" / "src" / "problems.js").read_text(encoding="utf-8")
    table = booth[booth.index("export const CODE_MESSAGES") :]
    table = table[: table.index("});")]
    translated = re.findall(r"^\s+'([a-z-]+)': '", table, flags=re.MULTILINE)
    assert sorted(translated) == sorted(PROBLEM_CODES)
