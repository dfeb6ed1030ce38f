"""POST /api/manifests/check: the console's preview, with the errors creating would give
(the CLI's too: both decode with Manifest.from_json), and nothing created, good or bad; and the
ceremony's progress fields the console reads."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openballot.election.manifest import Manifest
from openballot.errors import OpenBallotError

ADMIN = {"Authorization": "Bearer test-admin-token"}


def good(ceremony: Any) -> dict[str, Any]:
    return {"manifest": ceremony.manifest.to_json(), "trustees": 3, "threshold": 2}


def test_a_good_manifest_is_answered_decoded_and_nothing_is_created(
    sqlite_url: str, tmp_path: Path, ceremony: Any, kit: Any
) -> None:
    board, client = kit.in_process_board(sqlite_url, tmp_path)
    r = client.post("/api/manifests/check", json=good(ceremony), headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "election": ceremony.election_id,
        "manifest": ceremony.manifest.to_json(),
        "trustees": 3,
        "threshold": 2,
    }
    assert board.elections == {} and client.get("/api/board").json()["elections"] == []
    assert board.store.election_ids() == []
    board.store.close()


def _drop_arabic_title(m: dict[str, Any]) -> None:
    del m["title"]["ar"]


def _duplicate_district(m: dict[str, Any]) -> None:
    m["districts"].append(copy.deepcopy(m["districts"][0]))


def _unknown_district_in_contest(m: dict[str, Any]) -> None:
    m["contests"][0]["districts"] = ["atlantis"]


def _max_over_options(m: dict[str, Any]) -> None:
    m["contests"][0]["max_selections"] = 99


def _bad_id(m: dict[str, Any]) -> None:
    m["election_id"] = "Not An Id"


def _control_character(m: dict[str, Any]) -> None:
    m["contests"][0]["labels"]["en"] = "President\x1b[2K"


MANIFEST_FAULTS: list[Callable[[dict[str, Any]], None]] = [
    _drop_arabic_title,
    _duplicate_district,
    _unknown_district_in_contest,
    _max_over_options,
    _bad_id,
    _control_character,
]


@pytest.mark.parametrize("fault", MANIFEST_FAULTS, ids=lambda f: f.__name__.strip("_"))
def test_a_bad_manifest_gives_the_clis_error_and_creates_nothing(
    sqlite_url: str, tmp_path: Path, ceremony: Any, kit: Any,
    fault: Callable[[dict[str, Any]], None],
) -> None:
    board, client = kit.in_process_board(sqlite_url, tmp_path)
    sent = good(ceremony)
    fault(sent["manifest"])
    with pytest.raises(OpenBallotError) as raised:  # what `board create` decodes it with
        Manifest.from_json(sent["manifest"])
    for path in ("/api/manifests/check", "/api/elections"):
        r = client.post(path, json=sent, headers=ADMIN)
        assert kit.is_problem(r, 400) == str(raised.value)
    assert board.elections == {} and board.store.election_ids() == []
    board.store.close()


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"threshold": 4}, 400, "more than the 3 trustees"),
        ({"trustees": 0}, 400, "trustees"),
        ({"extra": 1}, 400, "extra"),
        ({"manifest": None}, 400, "manifest"),
    ],
)
def test_bad_trustee_fields_are_refused(
    sqlite_url: str, tmp_path: Path, ceremony: Any, kit: Any,
    change: dict[str, Any], status: int, words: str,
) -> None:
    board, client = kit.in_process_board(sqlite_url, tmp_path)
    kit.is_problem(
        client.post("/api/manifests/check", json={**good(ceremony), **change}, headers=ADMIN),
        status, words,
    )
    assert board.elections == {}
    board.store.close()


def test_not_json_no_token_and_an_existing_election(
    sqlite_url: str, tmp_path: Path, ceremony: Any, kit: Any
) -> None:
    board, client = kit.in_process_board(sqlite_url, tmp_path)
    kit.is_problem(client.post("/api/manifests/check", content=b"{", headers=ADMIN), 400)
    kit.is_problem(client.post("/api/manifests/check", json=good(ceremony)), 403, "admin token")
    assert client.post("/api/elections", json=good(ceremony), headers=ADMIN).status_code == 201
    kit.is_problem(
        client.post("/api/manifests/check", json=good(ceremony), headers=ADMIN),
        409, "already exists",
    )
    assert list(board.elections) == [ceremony.election_id]
    board.store.close()


def test_the_ceremony_says_who_has_done_what(
    sqlite_url: str, tmp_path: Path, ceremony: Any, kit: Any, make_election: Any
) -> None:
    e = make_election(sqlite_url, open_=False)
    view = e.client.get(e.path("/ceremony")).json()
    assert view["verdicts"] == [1, 2, 3]
    assert view["decryptions"] == []
    assert view["credential_counts"] == ceremony.credentials.counts()
    fresh = kit.ElectionOnBoard(e.client, kit.make_ceremony(
        Manifest.from_json({**ceremony.manifest.to_json(), "election_id": "second"})))
    assert fresh.create().status_code == 201
    assert fresh.post_commitment(2).status_code == 201
    view = e.client.get(fresh.path("/ceremony")).json()
    assert [c["index"] for c in view["commitments"]] == [2]
    assert (view["verdicts"], view["decryptions"], view["credential_counts"]) == ([], [], None)
