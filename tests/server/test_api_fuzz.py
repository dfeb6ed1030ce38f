"""Property-based fuzzing of the whole HTTP API from its own OpenAPI document (schemathesis).

Schemathesis reads /openapi.json from the app in this process and generates requests for
every operation: path and query parameters, headers. The document describes no request
bodies (the routes read the raw body, so that one strict parser sees it), so this file adds
them: valid bodies of each operation taken from a real ceremony, the same bodies with one
part changed, and arbitrary JSON. Election ids, trustee indices and tokens are drawn from
those of a board that holds an election in each phase (setup, open, closed, decrypted), so
that most requests reach the code behind the routing and the token check, and others not.

Pass criteria, for every request: no 5xx; a 2xx matches the response schema of the document;
every 4xx is an RFC 9457 problem detail, and `test_the_document_lists_every_error_response`
checks that the document lists each error status with its problem-detail schema.

The budget: OPENBALLOT_API_FUZZ_EXAMPLES examples per operation (default 50, about a
minute and a half here on two cores); a longer run sets it higher.
"""

from __future__ import annotations

import collections
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import checks  # noqa: E402

from openballot.election.decryption import decrypt_tally  # noqa: E402
from openballot.election.tally import Tally  # noqa: E402

EXAMPLES = int(os.environ.get("OPENBALLOT_API_FUZZ_EXAMPLES", "50"))
PROBLEM_FIELDS = {"type", "title", "status", "detail"}
#: POST operations that take no body.
NO_BODY = {"open", "close", "result"}

#: Text with lone surrogates among other characters: JSON can carry them ("\\ud800").
TEXT = st.text(st.characters(exclude_categories=()) | st.sampled_from("\ud800\udfff"), max_size=8)
#: Any JSON value, small: what a hostile client might send in place of a body or a field.
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


class Elections:
    """A board with one election in each phase, and valid bodies for every operation."""

    def __init__(self, kit: Any, data: Path) -> None:
        board, client = kit.in_process_board(f"sqlite:///{data / 'board.sqlite3'}", data)
        self.board, self.client, self.kit = board, client, kit
        made = {
            phase: kit.make_ceremony(kit.demo_manifest(f"fuzz-{phase}"))
            for phase in ("setup", "open", "closed", "decrypted", "spare")
        }
        self.ceremonies = made
        self.on_board: dict[str, Any] = {}
        # setup: created, trustee 1 has committed to its key; nothing more.
        e = kit.ElectionOnBoard(client, made["setup"], board)
        assert e.create().status_code == 201 and e.post_commitment(1).status_code == 201
        self.on_board["setup"] = e
        for phase in ("open", "closed", "decrypted"):
            e = kit.ElectionOnBoard(client, made[phase], board).setup()
            for voter in range(3):
                assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
            self.on_board[phase] = e
        self.on_board["closed"].close()
        assert self.on_board["closed"].post_decryption(1).status_code == 201
        self.on_board["decrypted"].finish()
        self.ids = [e.election_id for e in self.on_board.values()]
        self.by_id = {e.election_id: e for e in self.on_board.values()}
        self.tokens = [t for e in self.on_board.values() for t in e.tokens.values()]
        self.bodies = self._bodies()

    def _bodies(self) -> dict[str, list[Any]]:
        """Valid bodies of each operation, keyed by the last part of its path."""
        c = self.ceremonies
        spare = c["spare"]
        bodies: dict[str, list[Any]] = collections.defaultdict(list)
        bodies["/api/elections"] = [
            {"manifest": spare.manifest.to_json(), "trustees": 3, "threshold": 2},
            {"manifest": c["open"].manifest.to_json(), "trustees": 3, "threshold": 2},
        ]
        for phase in ("setup", "open"):
            cer = c[phase]
            for i in (1, 2, 3):
                bodies["key"].append(cer.publics[i].to_json())
                bodies["shares"].append({"shares": [s.to_json() for s in cer.encrypted_shares[i]]})
            bodies["credentials"].append(cer.credentials.to_json())
        bodies["verdict"] = [{"complaints": []}]
        for phase in ("open", "closed", "spare"):
            for voter in (3, 4, 5):
                ballot, opening = c[phase].ballot(voter)
                bodies["ballots"].append({"ballot": ballot.to_json()})
                bodies["audits"].append({"ballot": ballot.to_json(), "opening": opening.to_json()})
        for phase in ("closed", "decrypted"):
            e = self.on_board[phase]
            tally = Tally.from_json(self.client.get(e.path("/tally")).json(), e.ctx)
            for i in (1, 2, 3):
                bodies["decryption"].append(decrypt_tally(e.ctx, tally, e.shares[i]).to_json())
        return bodies

    def own_token(self, path: str, path_parameters: dict[str, Any]) -> str | None:
        """The bearer token of the role that may call `path` on this election."""
        e = self.by_id.get(path_parameters.get("election_id", ""))
        if "/trustees/" in path:
            role = f"trustee-{path_parameters.get('index')}"
        elif path.endswith("/credentials"):
            role = "credential-authority"
        else:
            return "Bearer " + self.kit.ADMIN_TOKEN
        token = e.tokens.get(role) if e is not None else None
        return None if token is None else "Bearer " + token

    def bodies_for(self, path: str) -> list[Any]:
        return self.bodies.get(path) or self.bodies.get(path.rsplit("/", 1)[-1], [])


@pytest.fixture(scope="module")
def elections(kit: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Elections]:
    e = Elections(kit, tmp_path_factory.mktemp("api-fuzz"))
    yield e
    e.board.store.close()


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """`value` with one part changed: a field dropped, added or replaced, an item dropped or
    repeated, a string cut or one character changed, a number moved off by one or far."""
    how = draw(st.integers(0, 5))
    if isinstance(value, dict) and value and how < 4 and depth < 6:
        key = draw(st.sampled_from(sorted(value)))
        out = dict(value)
        if how == 0:
            del out[key]
        elif how == 1:
            out[draw(TEXT)] = draw(JSON)
        else:
            out[key] = draw(mutated(value[key], depth + 1))
        return out
    if isinstance(value, list) and value and how < 4 and depth < 6:
        i = draw(st.integers(0, len(value) - 1))
        out_list = list(value)
        if how == 0:
            del out_list[i]
        elif how == 1:
            out_list.append(value[i])
        else:
            out_list[i] = draw(mutated(value[i], depth + 1))
        return out_list
    if isinstance(value, str) and value and how < 4:
        i = draw(st.integers(0, len(value) - 1))
        if how == 0:
            return value[:i]
        if how == 1:
            return value.upper()
        return value[:i] + draw(st.characters()) + value[i + 1 :]
    if isinstance(value, int) and not isinstance(value, bool) and how < 4:
        return draw(st.sampled_from([value - 1, value + 1, 0, -1, 2**63, 2**64, -(2**63)]))
    return draw(JSON)


def body_strategy(valid: list[Any]) -> st.SearchStrategy[Any]:
    if not valid:
        return JSON
    good = st.sampled_from(valid)
    twice = good.flatmap(mutated).flatmap(mutated)
    return st.one_of(good, good.flatmap(mutated), twice, JSON)


class Sent:
    """How many requests were sent and what came back, for the summary line."""

    requests = 0
    statuses: collections.Counter[int] = collections.Counter()


def is_problem_detail(response: Any) -> None:
    """A 4xx must be a problem detail that names its status (RFC 9457)."""
    assert response.headers.get("content-type", [""])[0].startswith("application/problem+json"), (
        f"{response.status_code} without a problem detail: {response.headers}"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict) and set(body) >= PROBLEM_FIELDS, body
    assert body["status"] == response.status_code, body
    assert isinstance(body["detail"], str) and body["detail"], body


def operations(app: Any) -> list[Any]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2", category=UserWarning)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def fuzz_operation(elections: Elections, op: Any) -> None:
    """Run schemathesis' cases of one operation, with the parts it cannot know filled in."""
    params = {p.name for p in op.path_parameters}
    takes_token = any(p.name == "Authorization" for p in op.headers)
    has_body = op.method.upper() == "POST" and op.path.rsplit("/", 1)[-1] not in NO_BODY
    # Half the time "own": the token of the role the path names (so that calls get past the
    # token check); else none, the generated one, the admin's, another role's, or a bad one.
    auth = st.just("own") | st.sampled_from(
        [None, "keep", "Bearer " + elections.kit.ADMIN_TOKEN, "Bearer ", "Basic eA=="]
        + ["Bearer " + t for t in elections.tokens]
    )
    credentials = elections.ceremonies["open"].credentials.districts[0][1]

    @given(
        case=op.as_strategy(),
        election=st.sampled_from([*elections.ids, None]),
        index=st.sampled_from([1, 2, 3, None]),
        authorization=auth,
        body=body_strategy(elections.bodies_for(op.path)) if has_body else st.none(),
        small_query=st.booleans(),
        numbers=st.lists(st.integers(0, 50), min_size=2, max_size=2),
    )
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(
        case: Any,
        election: str | None,
        index: int | None,
        authorization: str | None,
        body: Any,
        small_query: bool,
        numbers: list[int],
    ) -> None:
        if "election_id" in params and election is not None:
            case.path_parameters["election_id"] = election
        if "index" in params and index is not None:
            case.path_parameters["index"] = index
        if "credential" in params and election is not None and index is not None:
            case.path_parameters["credential"] = credentials[index - 1].hex()
        if small_query and case.query:
            # Parameters the log can answer: leaf indices and sizes within its size.
            for key, n in zip(sorted(case.query), numbers, strict=False):
                case.query[key] = n
        if authorization == "own":
            authorization = elections.own_token(op.path, case.path_parameters)
        if takes_token and authorization != "keep":
            case.headers.pop("Authorization", None)
            if authorization is not None:
                case.headers["Authorization"] = authorization
        if has_body:
            case.body = body
            case.media_type = "application/json"
        response = case.call()
        Sent.requests += 1
        Sent.statuses[response.status_code] += 1
        case.validate_response(response, checks=[checks.not_a_server_error])
        if response.status_code < 300:
            case.validate_response(
                response,
                checks=[checks.response_schema_conformance, checks.content_type_conformance],
            )
        else:
            is_problem_detail(response)

    fuzz()


@pytest.mark.slow
def test_no_request_gets_a_server_error(elections: Elections) -> None:
    ops = operations(elections.client.app)
    assert len(ops) >= 20, [op.label for op in ops]
    for op in ops:
        fuzz_operation(elections, op)
    print(
        f"\nschemathesis: {Sent.requests} requests over {len(ops)} operations, "
        f"statuses {dict(sorted(Sent.statuses.items()))}"
    )
    assert not any(s >= 500 for s in Sent.statuses)


def test_the_document_lists_every_error_response(elections: Elections) -> None:
    """Error responses of each kind, checked against the document: their status codes are
    listed, and their bodies match the schema given for them."""
    ops = {op.label: op for op in operations(elections.client.app)}
    e = elections.on_board["open"]
    other = elections.ceremonies["spare"].ballot(0)[0]  # a ballot of an election not here
    cases = [
        ("GET /api/elections/{election_id}", {"election_id": "no-such-election"}, None),
        (
            "POST /api/elections/{election_id}/ballots",
            {"election_id": e.election_id},
            {"ballot": other.to_json()},
        ),
        ("POST /api/elections/{election_id}/ballots", {"election_id": e.election_id}, [1]),
        ("POST /api/elections/{election_id}/open", {"election_id": e.election_id}, None),
    ]
    failures = []
    for label, path_parameters, body in cases:
        op = ops[label]
        kwargs: dict[str, Any] = {"path_parameters": path_parameters}
        if body is not None:
            kwargs.update(body=body, media_type="application/json")
        case = op.Case(**kwargs)
        response = case.call()
        assert 400 <= response.status_code < 500, (label, response.status_code)
        try:
            case.validate_response(
                response,
                checks=[
                    checks.status_code_conformance,
                    checks.content_type_conformance,
                    checks.response_schema_conformance,
                ],
            )
        except BaseExceptionGroup as exc:  # schemathesis' FailureGroup, one per check
            found = "; ".join(str(f).splitlines()[0] for f in exc.exceptions)
            failures.append(f"{label} -> {response.status_code}: {found}")
    assert not failures, "\n".join(failures)


def test_a_field_name_that_is_not_text_is_a_400(elections: Elections) -> None:
    """Found by fuzzing: a district named by a lone surrogate made the credential list's
    error message unprintable, and the server answered 500. Now the JSON parser refuses
    such a field name, for every body and every record file."""
    e = elections.on_board["setup"]
    r = elections.client.post(
        e.path("/credentials"),
        content=b'{"districts": {"\\ud800": []}}',
        headers={**e.credential_authority(), "content-type": "application/json"},
    )
    elections.kit.is_problem(r, 400, "field name", "lone surrogate")
