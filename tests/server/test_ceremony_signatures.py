"""A trustee's shares and verdict are accepted only with its signature (protocol.md 10.7),
and a board that invents a verdict is caught by the verifier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openballot.record.from_board import write_record
from openballot.verify.verifier import verify_record


def rejected(kit: Any, e: Any, send: Any, status: int, *words: str) -> None:
    """Refused with a problem detail naming `words`, and nothing changed on the board."""
    before = e.snapshot()
    kit.is_problem(send(), status, *words)
    assert e.snapshot() == before


def _bump(hex_value: str) -> str:
    return ("0" if hex_value[0] != "0" else "1") + hex_value[1:]


def test_unsigned_shares_and_verdicts_are_refused(
    kit: Any, sqlite_url: str, ceremony: Any, tmp_path: Path
) -> None:
    board, client = kit.in_process_board(sqlite_url, tmp_path / "data")
    e = kit.ElectionOnBoard(client, ceremony, board)
    keys = ceremony.election.keys
    assert e.create().status_code == 201
    for i in (1, 2, 3):
        assert e.post_commitment(i).status_code == 201
    for i in (1, 2, 3):
        assert e.post_key(i).status_code == 201

    def post(i: int, what: str, body: Any) -> Any:
        return lambda: client.post(e.path(f"/trustees/{i}/{what}"), json=body, headers=e.trustee(i))

    flipped = keys.shares_message(1).to_json()
    share = flipped["shares"][0]
    share["ciphertext"] = _bump(share["ciphertext"])
    rejected(kit, e, post(1, "shares", flipped), 422, "signature of trustee 1")
    # trustee 2's signature on trustee 1's shares: not trustee 1's
    other = keys.shares_message(1).to_json()
    other["signature"] = keys.shares_message(2).to_json()["signature"]
    rejected(kit, e, post(1, "shares", other), 422, "signature of trustee 1")
    for i in (1, 2, 3):
        assert e.post_shares(i).status_code == 201

    verdict = keys.verdict(2).to_json()
    verdict["signature"]["response"] = _bump(verdict["signature"]["response"])
    rejected(kit, e, post(2, "verdict", verdict), 422, "signature of trustee 2")
    rejected(kit, e, post(2, "verdict", keys.verdict(3).to_json()), 422, "signature of trustee 2")
    board.store.close()


def test_an_invented_ceremony_ok_is_a_signature_finding(
    kit: Any, sqlite_url: str, make_election: Any, tmp_path: Path
) -> None:
    e = make_election(sqlite_url)
    store = e.board.store
    leaves = [entry.data for entry in store.entries(e.election_id)]
    heads = list(store.tree_heads(e.election_id))
    honest = tmp_path / "honest"
    write_record(honest, e.election_id, e.board.key.public, leaves, heads)
    checks = {f.check for f in verify_record(honest, workers=1).findings}
    assert checks == set()  # open, not yet closed: no tally is due (verify: still_open)

    forged = []
    for data in leaves:
        o = json.loads(data)
        if o["type"] == "ceremony-ok" and o["trustee"] == 2:
            o["signature"]["challenge"] = _bump(o["signature"]["challenge"])
            data = json.dumps(o, separators=(",", ":")).encode()
        forged.append(data)
    bad = tmp_path / "forged"
    write_record(bad, e.election_id, e.board.key.public, forged, heads)
    findings = verify_record(bad, workers=1).findings
    assert ("ceremony.signature", "ceremony") in {(f.check, f.where) for f in findings}
