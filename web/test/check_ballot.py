"""Verify ballots made by the JavaScript booth with the Python reference verifier.

    python check_ballot.py PROTOCOL_JSON INPUT_JSON

INPUT_JSON holds {"ballots": [{"ballot": ..., "opening": ... (optional)}, ...]}. The election
context is rebuilt from the "election" section of PROTOCOL_JSON (tests/vectors/protocol.json)
with openballot's own decoders. Prints one JSON line: {"results": [{"ok", "tracker", "error"}]}
in input order. Used by web/test/python.test.mjs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from openballot.crypto.trustee import TrusteePublicKey
from openballot.election.acceptance import AcceptancePolicy, check_valid
from openballot.election.ballot import BallotOpening, EncryptedBallot
from openballot.election.context import ElectionContext
from openballot.election.credentials import CredentialList
from openballot.election.manifest import Manifest
from openballot.errors import OpenBallotError


def context(election: dict[str, Any]) -> ElectionContext:
    manifest = Manifest.from_json(election["manifest"])
    trustees = [TrusteePublicKey.from_json(t) for t in election["trustees"]]
    credentials = CredentialList.from_json(election["credentials"], manifest.district_ids())
    ctx = ElectionContext.create(manifest, election["threshold"], trustees, credentials)
    assert ctx.fingerprint.hex() == election["fingerprint"], "vectors and code disagree"
    return ctx


def check(policy: AcceptancePolicy, item: dict[str, Any]) -> dict[str, Any]:
    """Does the verifier find this ballot (cast, or audited with its opening) valid, and would
    a board accept it on an empty log? Validity first, as the verifier checks it (12.7 in
    order, so an error names the first broken part); then the board's acceptance policy
    (which checks the cheapest rules first, and would name the signature instead)."""
    tracker = None
    try:
        ballot = EncryptedBallot.from_json(item["ballot"])
        tracker = ballot.tracker().hex()
        value = item.get("opening")
        opening = None if value is None else BallotOpening.from_json(value)
        check_valid(policy.ctx, ballot, opening)
        policy.check(ballot, opening)
    except OpenBallotError as exc:
        return {"ok": False, "tracker": tracker, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "tracker": tracker, "error": None}


def main(argv: list[str]) -> int:
    vectors = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    items = json.loads(Path(argv[2]).read_text(encoding="utf-8"))["ballots"]
    policy = AcceptancePolicy(context(vectors["election"]))
    print(json.dumps({"results": [check(policy, item) for item in items]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
