"""Encrypted ballots: honest ballots verify and round-trip; every alteration is rejected with
the right error naming the part; proofs are bound to the election, the credential, the contest
and the option; openings (Benaloh audits) check out only when they are the truth."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.crypto.elgamal import Ciphertext, encrypt
from openballot.crypto.encoding import digest
from openballot.crypto.group import G, Scalar, random_scalar
from openballot.crypto.proofs import RangeProof, SchnorrProof
from openballot.election.ballot import (
    SIGNATURE_TAG,
    BallotOpening,
    EncryptedBallot,
    EncryptedContest,
    EncryptedSelection,
    encrypt_ballot,
    verify_ballot,
    verify_opening,
)
from openballot.election.context import ElectionContext
from openballot.election.credentials import credential_secret, new_code
from openballot.errors import DecodeError, ProofError, ProtocolError

# Fixtures (conftest.py): `election` (3 trustees, threshold 2, 4 voters per district),
# `north_vote` / `south_vote` (honest ballots with their openings and choices).

B = EncryptedBallot


def resign(ballot: B, secret: Scalar) -> B:
    """Sign the ballot's body again, as a forger holding `secret` would after editing it."""
    context = [digest("ballot/body", ballot.body_encoding())]
    return replace(ballot, signature=SchnorrProof.prove(SIGNATURE_TAG, context, secret))


def with_contest(ballot: B, i: int, contest: EncryptedContest) -> B:
    contests = list(ballot.contests)
    contests[i] = contest
    return replace(ballot, contests=tuple(contests))


def with_selections(ballot: B, i: int, selections: list[EncryptedSelection]) -> B:
    return with_contest(ballot, i, replace(ballot.contests[i], selections=tuple(selections)))


def _bump(s: Scalar) -> Scalar:
    return s + Scalar(1)


def _round_trip(ballot: B) -> B:
    return B.from_json(json.loads(json.dumps(ballot.to_json())))


# --- honest ballots -------------------------------------------------------------------------


def test_honest_ballots_verify(election: Any, north_vote: Any, south_vote: Any) -> None:
    for vote in (north_vote, south_vote):
        verify_ballot(election.ctx, vote.ballot)
        verify_opening(election.ctx, vote.ballot, vote.opening)
        assert vote.ballot.election == election.ctx.fingerprint
        assert vote.ballot.credential in dict(election.credentials.districts)[vote.district]
    assert [c.contest_id for c in north_vote.ballot.contests] == [
        "president",
        "council-north",
        "referendum",
    ]
    assert [s.option_id for s in north_vote.ballot.contests[1].selections] == [
        "n1",
        "n2",
        "n3",
        "n4",
        "n5",
    ]


def test_resign_helper_keeps_an_honest_ballot_valid(election: Any, north_vote: Any) -> None:
    again = resign(north_vote.ballot, election.secret("north"))
    assert again.signature != north_vote.ballot.signature
    verify_ballot(election.ctx, again)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_random_valid_choices_verify_and_round_trip(election: Any, data: st.DataObject) -> None:
    district = data.draw(st.sampled_from(election.manifest.district_ids()), label="district")
    voter = data.draw(st.integers(0, 3), label="voter")
    choices: dict[str, list[str]] = {}
    for contest in election.manifest.ballot_style(district):
        choices[contest.id] = data.draw(
            st.lists(
                st.sampled_from(contest.option_ids()),
                min_size=contest.min_selections,
                max_size=contest.max_selections,
                unique=True,
            ),
            label=contest.id,
        )
    ballot, opening = election.vote(district, choices, voter)
    verify_ballot(election.ctx, ballot)
    verify_opening(election.ctx, ballot, opening)
    # the opening holds exactly the choices, in ballot-style and option order
    style = election.manifest.ballot_style(district)
    assert len(opening.contests) == len(style)
    for contest, opened in zip(style, opening.contests, strict=True):
        assert [m for m, _ in opened] == [
            int(o in choices[contest.id]) for o in contest.option_ids()
        ]
    again = _round_trip(ballot)
    assert again == ballot
    assert again.tracker() == ballot.tracker()
    assert len(ballot.tracker()) == 32
    verify_ballot(election.ctx, again)
    assert BallotOpening.from_json(json.loads(json.dumps(opening.to_json()))) == opening


def test_encryption_is_randomized(election: Any, north_vote: Any) -> None:
    again, _ = election.vote("north", north_vote.choices)
    assert again.tracker() != north_vote.ballot.tracker()
    assert again.contests[0].selections[0].ciphertext != (
        north_vote.ballot.contests[0].selections[0].ciphertext
    )


def test_blank_vote_where_allowed(election: Any) -> None:
    ballot, opening = election.vote("south", {"president": ["amal"], "referendum": ["yes"]}, 2)
    verify_ballot(election.ctx, ballot)
    assert [m for m, _ in opening.contests[1]] == [0, 0, 0, 0]


# --- tracker --------------------------------------------------------------------------------


def _leaf_variants(value: Any, path: str = "ballot") -> list[tuple[str, Any]]:
    """For every leaf of the ballot's JSON, a copy of the JSON with that leaf changed to another
    valid value of its kind."""
    out: list[tuple[str, Any]] = []

    def walk(node: Any, where: str, set_leaf: Callable[[Any], None], key: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{where}.{k}", lambda x, n=node, k=k: n.__setitem__(k, x), k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]", lambda x, n=node, i=i: n.__setitem__(i, x), key)
        else:
            assert isinstance(node, str)
            if key in ("alpha", "beta", "credential"):
                new = G.hex() if node != G.hex() else (G * G).hex()
            elif key in ("challenges", "responses", "challenge", "response"):
                new = Scalar(5).hex() if node != Scalar(5).hex() else Scalar(6).hex()
            elif key == "election":
                new = "00" * 64
            else:
                new = node + "x"
            set_leaf(new)
            out.append((where, copy.deepcopy(value)))
            set_leaf(node)

    walk(value, path, lambda x: None, "")
    return out


def test_tracker_changes_with_any_change(north_vote: Any) -> None:
    ballot = north_vote.ballot
    value = ballot.to_json()
    variants = _leaf_variants(value)
    # 3 top-level strings; per selection: option, alpha, beta, 2 challenges, 2 responses;
    # per contest: its id and 2·(max - min + 1) proof scalars; 2 signature scalars
    selections = 4 + 5 + 2
    contest_proofs = 2 * (1 + 3 + 1)
    assert len(variants) == 3 + selections * 7 + 3 + contest_proofs + 2
    trackers = {ballot.tracker()}
    for where, v in variants:
        t = B.from_json(v).tracker()
        assert t != ballot.tracker(), where
        trackers.add(t)
    assert len(trackers) == 1 + len(variants)
    assert value == ballot.to_json()  # the walk restored every leaf


# --- tampering: every alteration rejected ---------------------------------------------------


class Votes:
    """The honest ballots the tamper cases are made from."""

    def __init__(self, election: Any, north_vote: Any) -> None:
        self.e = election
        self.v = north_vote
        self.b = north_vote.ballot
        self.secret = election.secret("north", 0)
        # the same voter again, having chosen amal rather than bashir
        self.same_voter, _ = election.vote(
            "north", {**north_vote.choices, "president": ["amal"]}, 0
        )
        # another northern voter, same choices
        self.other_voter, _ = election.vote("north", north_vote.choices, 1)
        self.other_secret = election.secret("north", 1)


@pytest.fixture(scope="module")
def votes(election: Any, north_vote: Any) -> Votes:
    return Votes(election, north_vote)


def _swap_ciphertexts(b: B) -> B:
    """Swap the ciphertexts of president's amal and bashir, proofs left in place."""
    s = list(b.contests[0].selections)
    a, b_ = s[0], s[1]
    s[0], s[1] = replace(a, ciphertext=b_.ciphertext), replace(b_, ciphertext=a.ciphertext)
    return with_selections(b, 0, s)


def _swap_selections(b: B) -> B:
    """Move amal's ciphertext and proof to bashir and back, option ids left in place."""
    s = list(b.contests[0].selections)
    s[0], s[1] = replace(s[1], option_id=s[0].option_id), replace(s[0], option_id=s[1].option_id)
    return with_selections(b, 0, s)


def _reorder_options(b: B) -> B:
    return with_selections(b, 1, list(reversed(b.contests[1].selections)))


def _two_chosen(votes: Votes) -> B:
    """President: bashir's Enc(1) from one ballot and amal's Enc(1) from another ballot of the
    same voter; every selection proof holds, the sum is 2 in a choose-1 contest."""
    s = list(votes.b.contests[0].selections)
    s[0] = votes.same_voter.contests[0].selections[0]
    return with_selections(votes.b, 0, s)


def _selection_from_other_ballot(votes: Votes) -> B:
    """A selection with the same plaintext (0) from another ballot of the same voter: its proof
    holds, but the contest sum no longer matches the contest proof."""
    s = list(votes.b.contests[1].selections)
    s[1] = votes.same_voter.contests[1].selections[1]
    return with_selections(votes.b, 1, s)


def _change_selection_response(b: B) -> B:
    s = list(b.contests[2].selections)
    proof = s[1].proof
    responses = (proof.responses[0], _bump(proof.responses[1]))
    s[1] = replace(s[1], proof=replace(proof, responses=responses))
    return with_selections(b, 2, s)


def _change_selection_challenge(b: B) -> B:
    s = list(b.contests[1].selections)
    proof = s[3].proof
    challenges = (_bump(proof.challenges[0]), proof.challenges[1])
    s[3] = replace(s[3], proof=replace(proof, challenges=challenges))
    return with_selections(b, 1, s)


def _rerandomize(b: B) -> B:
    s = list(b.contests[1].selections)
    ct = s[2].ciphertext
    s[2] = replace(s[2], ciphertext=Ciphertext(ct.alpha * G, ct.beta * G))  # now Enc(1 + m)
    return with_selections(b, 1, s)


def _change_contest_response(b: B) -> B:
    c = b.contests[1]
    responses = (*c.proof.responses[:2], _bump(c.proof.responses[2]))
    return with_contest(b, 1, replace(c, proof=replace(c.proof, responses=responses)))


def _truncate_contest_proof(b: B) -> B:
    c = b.contests[1]
    proof = RangeProof(c.proof.challenges[:2], c.proof.responses[:2])
    return with_contest(b, 1, replace(c, proof=proof))


def _drop_selection(b: B) -> B:
    return with_selections(b, 1, list(b.contests[1].selections[:-1]))


def _rename_option(b: B) -> B:
    s = list(b.contests[2].selections)
    s[1] = replace(s[1], option_id="maybe")
    return with_selections(b, 2, s)


#: name -> (make the tampered ballot from the honest ones, re-sign it with the voter's key?,
#: expected error, message it must start with)
TAMPERED: dict[str, tuple[Callable[[Votes], B], bool, type[Exception], str]] = {
    "wrong election": (
        lambda v: replace(v.b, election=bytes(64)), True,
        ProtocolError, "ballot is for another election (fingerprint differs)"),
    "wrong district": (
        lambda v: replace(v.b, district="south"), True,
        ProtocolError, "wrong ballot style for district 'south': expected contests "
        "['president', 'council-south', 'referendum'], got "
        "['president', 'council-north', 'referendum']"),
    "unknown district": (
        lambda v: replace(v.b, district="east"), True, ProtocolError, "unknown district 'east'"),
    "contest dropped": (
        lambda v: replace(v.b, contests=v.b.contests[:2]), True,
        ProtocolError, "wrong ballot style for district 'north'"),
    "contest added": (
        lambda v: replace(v.b, contests=(*v.b.contests, v.b.contests[2])), True,
        ProtocolError, "wrong ballot style for district 'north'"),
    "contests reordered": (
        lambda v: replace(v.b, contests=tuple(reversed(v.b.contests))), True,
        ProtocolError, "wrong ballot style for district 'north'"),
    "contest renamed": (
        lambda v: with_contest(v.b, 2, replace(v.b.contests[2], contest_id="referendum2")), True,
        ProtocolError, "wrong ballot style for district 'north'"),
    "options reordered": (
        lambda v: _reorder_options(v.b), True,
        ProtocolError, "contest 'council-north': expected options "
        "['n1', 'n2', 'n3', 'n4', 'n5'], got ['n5', 'n4', 'n3', 'n2', 'n1']"),
    "option dropped": (
        lambda v: _drop_selection(v.b), True, ProtocolError, "contest 'council-north': expected"),
    "option renamed": (
        lambda v: _rename_option(v.b), True, ProtocolError, "contest 'referendum': expected"),
    "ciphertexts swapped": (
        lambda v: _swap_ciphertexts(v.b), True,
        ProofError, "contest 'president', option 'amal': proof that the selection is 0 or 1"),
    "selections swapped": (
        lambda v: _swap_selections(v.b), True,
        ProofError, "contest 'president', option 'amal': proof that the selection is 0 or 1"),
    "ciphertext changed": (
        lambda v: _rerandomize(v.b), True,
        ProofError, "contest 'council-north', option 'n3': proof that the selection is 0 or 1"),
    "selection response changed": (
        lambda v: _change_selection_response(v.b), True,
        ProofError, "contest 'referendum', option 'no': proof that the selection is 0 or 1"),
    "selection challenge changed": (
        lambda v: _change_selection_challenge(v.b), True,
        ProofError, "contest 'council-north', option 'n4': proof that the selection is 0 or 1"),
    "two chosen in a choose-1 contest": (
        _two_chosen, True,
        ProofError, "contest 'president': proof that 1 to 1 options are chosen fails"),
    "selection from another ballot": (
        _selection_from_other_ballot, True,
        ProofError, "contest 'council-north': proof that 1 to 3 options are chosen fails"),
    "contest proof response changed": (
        lambda v: _change_contest_response(v.b), True,
        ProofError, "contest 'council-north': proof that 1 to 3 options are chosen fails"),
    "contest proof truncated": (
        lambda v: _truncate_contest_proof(v.b), True,
        ProofError, "contest 'council-north': proof that 1 to 3 options are chosen fails"),
    "signature response changed": (
        lambda v: replace(v.b, signature=replace(
            v.b.signature, response=_bump(v.b.signature.response))), False,
        ProofError, "credential signature fails"),
    "signature challenge changed": (
        lambda v: replace(v.b, signature=replace(
            v.b.signature, challenge=_bump(v.b.signature.challenge))), False,
        ProofError, "credential signature fails"),
    "signature of another ballot": (
        lambda v: replace(v.b, signature=v.same_voter.signature), False,
        ProofError, "credential signature fails"),
    "body edited, not re-signed": (
        lambda v: replace(v.b, contests=(v.b.contests[0], v.b.contests[1], replace(
            v.b.contests[2], selections=v.same_voter.contests[2].selections,
            proof=v.same_voter.contests[2].proof))), False,
        ProofError, "credential signature fails"),
    "signed with another voter's key": (
        lambda v: resign(v.b, v.other_secret), False, ProofError, "credential signature fails"),
    "credential replaced": (
        lambda v: replace(v.b, credential=v.other_voter.credential), False,
        ProofError, "contest 'president', option 'amal': proof that the selection is 0 or 1"),
    "proofs copied into another voter's ballot": (
        lambda v: resign(replace(v.other_voter, contests=v.b.contests), v.other_secret), False,
        ProofError, "contest 'president', option 'amal': proof that the selection is 0 or 1"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(TAMPERED))
def test_tampered_ballot_rejected(election: Any, votes: Votes, name: str) -> None:
    make, sign_again, error, message = TAMPERED[name]
    ballot = make(votes)
    assert ballot != votes.b
    if sign_again:
        ballot = resign(ballot, votes.secret)
    with pytest.raises(error, match="^" + re.escape(message)):
        verify_ballot(election.ctx, ballot)
    # and the same after a trip through JSON: nothing the encoding drops would rescue it
    with pytest.raises(error, match="^" + re.escape(message)):
        verify_ballot(election.ctx, _round_trip(ballot))


def test_ballot_for_another_election_with_the_same_key(election: Any, north_vote: Any) -> None:
    """Another election with the same joint key (another threshold): the fingerprint differs,
    and rewriting it does not help because every proof is bound to it."""
    other = ElectionContext.create(
        election.manifest, 3, election.public_keys, election.credentials, check=False
    )
    assert other.joint_key == election.ctx.joint_key
    secret = election.secret("north")
    foreign, _ = encrypt_ballot(other, "north", secret, north_vote.choices)
    verify_ballot(other, foreign)
    with pytest.raises(ProtocolError, match=r"^ballot is for another election"):
        verify_ballot(election.ctx, foreign)
    disguised = resign(replace(foreign, election=election.ctx.fingerprint), secret)
    with pytest.raises(ProofError, match=r"^contest 'president', option 'amal': proof"):
        verify_ballot(election.ctx, disguised)


def test_ballot_from_an_unlisted_code_still_verifies(election: Any, north_vote: Any) -> None:
    """Eligibility is the caller's check (the ballot box): verify_ballot looks at the ballot
    alone, so a well-made ballot from an unknown code passes it."""
    secret = credential_secret(election.manifest.election_id, new_code())
    ballot, _ = encrypt_ballot(election.ctx, "north", secret, north_vote.choices)
    verify_ballot(election.ctx, ballot)
    assert ballot.credential.data not in election.credentials.district_of()


# --- encrypt_ballot refuses bad choices -----------------------------------------------------


@pytest.mark.parametrize(
    ("district", "choices", "message"),
    [
        ("north", {"president": ["amal", "bashir"], "council-north": ["n1"], "referendum": ["no"]},
         "contest 'president': choose between 1 and 1 options, got 2"),
        ("north", {"president": [], "council-north": ["n1"], "referendum": ["no"]},
         "contest 'president': choose between 1 and 1 options, got 0"),
        ("north", {"council-north": ["n1"], "referendum": ["no"]},
         "contest 'president': choose between 1 and 1 options, got 0"),
        ("north", {"president": ["amal"], "council-north": ["n1", "n2", "n3", "n4"],
                   "referendum": ["no"]},
         "contest 'council-north': choose between 1 and 3 options, got 4"),
        ("south", {"president": ["amal"], "council-south": ["s1", "s2", "s3"],
                   "referendum": ["no"]},
         "contest 'council-south': choose between 0 and 2 options, got 3"),
        ("north", {"president": ["amal"], "council-north": ["n1"], "referendum": ["no"],
                   "council-south": ["s1"]},
         "contest 'council-south' is not on the ballot of district 'north'"),
        ("north", {"president": ["amal"], "council-north": ["n1"], "mayor": ["x"]},
         "contest 'mayor' is not on the ballot of district 'north'"),
        ("north", {"president": ["zoe"], "council-north": ["n1"], "referendum": ["no"]},
         "contest 'president': unknown option 'zoe'"),
        ("north", {"president": ["amal"], "council-north": ["s1"], "referendum": ["no"]},
         "contest 'council-north': unknown option 's1'"),
        ("east", {"president": ["amal"]}, "unknown district 'east'"),
    ],
)  # fmt: skip
def test_encrypt_refuses_bad_choices(
    election: Any, district: str, choices: dict[str, list[str]], message: str
) -> None:
    secret = election.secret("north")
    with pytest.raises(ProtocolError, match="^" + re.escape(message)):
        encrypt_ballot(election.ctx, district, secret, choices)


# --- openings (Benaloh audits) --------------------------------------------------------------


def _opening_with(opening: BallotOpening, i: int, k: int, m: int, r: Scalar) -> BallotOpening:
    contests = [list(c) for c in opening.contests]
    contests[i][k] = (m, r)
    return BallotOpening(tuple(tuple(c) for c in contests))


def test_opening_changed_vote_rejected(election: Any, north_vote: Any) -> None:
    b, o = north_vote.ballot, north_vote.opening
    m, r = o.contests[0][1]
    assert m == 1  # bashir
    with pytest.raises(ProtocolError, match=r"^contest 'president', option 'bashir': audit"):
        verify_opening(election.ctx, b, _opening_with(o, 0, 1, 0, r))
    m, r = o.contests[0][0]
    with pytest.raises(ProtocolError, match=r"^contest 'president', option 'amal': audit"):
        verify_opening(election.ctx, b, _opening_with(o, 0, 0, 1, r))


def test_opening_changed_randomness_rejected(election: Any, north_vote: Any) -> None:
    b, o = north_vote.ballot, north_vote.opening
    m, r = o.contests[2][1]
    with pytest.raises(ProtocolError, match=r"^contest 'referendum', option 'no': audit opening"):
        verify_opening(election.ctx, b, _opening_with(o, 2, 1, m, _bump(r)))


def test_opening_shape_rejected(election: Any, north_vote: Any, south_vote: Any) -> None:
    b, o = north_vote.ballot, north_vote.opening
    with pytest.raises(ProtocolError, match=r"^audit opening has 2 contests, ballot has 3"):
        verify_opening(election.ctx, b, BallotOpening(o.contests[:2]))
    short = BallotOpening((o.contests[0], o.contests[1][:4], o.contests[2]))
    with pytest.raises(ProtocolError, match=r"^contest 'council-north': audit opening has the"):
        verify_opening(election.ctx, b, short)
    with pytest.raises(ProtocolError, match=r"^contest 'president', option 'amal': audit"):
        verify_opening(election.ctx, b, south_vote.opening)


def test_opening_choosing_too_many_rejected(election: Any) -> None:
    """verify_opening checks the contest rule too, on a ballot built without proofs."""
    key = election.ctx.joint_key
    rs = [random_scalar() for _ in range(4)]
    votes = [1, 1, 0, 0]
    dummy = RangeProof((Scalar(0),), (Scalar(0),))
    selections = tuple(
        EncryptedSelection(o, encrypt(key, m, r), dummy)
        for o, m, r in zip(["amal", "bashir", "dilan", "farah"], votes, rs, strict=True)
    )
    ballot = B(
        election.ctx.fingerprint,
        "north",
        G,
        (EncryptedContest("president", selections, dummy),),
        SchnorrProof(Scalar(0), Scalar(0)),
    )
    opening = BallotOpening((tuple(zip(votes, rs, strict=True)),))
    with pytest.raises(ProtocolError, match=r"^contest 'president': audit opening chooses 2"):
        verify_opening(election.ctx, ballot, opening)


def _opening_json(vote: Any) -> Any:
    return [[{"vote": vote, "randomness": Scalar(7).hex()}]]


def test_opening_json_round_trip(north_vote: Any) -> None:
    value = json.loads(json.dumps(north_vote.opening.to_json()))
    assert BallotOpening.from_json(value) == north_vote.opening
    assert BallotOpening.from_json(_opening_json(0)).contests == ((((0, Scalar(7))),),)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_opening_json(2), "opening[0][0].vote: expected 0 or 1"),
        (_opening_json(-1), "opening[0][0].vote: expected 0 or 1"),
        (_opening_json(True), "opening[0][0].vote: expected 0 or 1"),
        (_opening_json(False), "opening[0][0].vote: expected 0 or 1"),
        (_opening_json("1"), "opening[0][0].vote: expected 0 or 1"),
        (_opening_json(None), "opening[0][0].vote: expected 0 or 1"),
        ([[{"vote": 1, "randomness": "07"}]], "opening[0][0].randomness"),
        ([[{"vote": 1}]], "opening[0][0].randomness"),
        ([[{"vote": 1, "randomness": Scalar(7).hex(), "note": ""}]],
         "opening[0][0]: unexpected field 'note'"),
        ([[[1, Scalar(7).hex()]]], "opening[0][0]: expected an object"),
        ([{"vote": 1}], "opening[0]: expected a list"),
        ({"contests": []}, "opening: expected a list"),
    ],
)  # fmt: skip
def test_opening_from_json_rejects(value: Any, message: str) -> None:
    with pytest.raises(DecodeError, match="^" + re.escape(message)):
        BallotOpening.from_json(value)


@pytest.mark.parametrize("vote", [1.0, 0.0])
def test_opening_from_json_rejects_float_vote(vote: float) -> None:
    """A vote is the integer 0 or 1; `1.0 in (0, 1)` is true in Python, so floats get through
    (BUG: BallotOpening.from_json must check the type, not only membership)."""
    with pytest.raises(DecodeError, match=re.escape("opening[0][0].vote: expected 0 or 1")):
        BallotOpening.from_json(_opening_json(vote))


# --- from_json: malformed ballots -----------------------------------------------------------


def _at(value: Any, path: list[Any]) -> Any:
    for p in path:
        value = value[p]
    return value


def _set(path: list[Any], new: Any) -> Callable[[Any], None]:
    return lambda v: _at(v, path[:-1]).__setitem__(path[-1], new)


def _del(path: list[Any]) -> Callable[[Any], None]:
    return lambda v: _at(v, path[:-1]).__delitem__(path[-1])


SEL = ["contests", 0, "selections", 1]
MALFORMED: list[tuple[Callable[[Any], None], str]] = [
    (_del([*SEL, "alpha"]), "ballot.contests[0].selections[1].alpha: expected a hex string"),
    (_set([*SEL, "alpha"], "zz" * 32), "ballot.contests[0].selections[1].alpha: not hexadecimal"),
    (_set([*SEL, "alpha"], "AB" * 32),
     "ballot.contests[0].selections[1].alpha: expected 64 lowercase hex characters"),
    (_set([*SEL, "alpha"], "00" * 32),
     "ballot.contests[0].selections[1].alpha: is the identity element"),
    (_set([*SEL, "alpha"], "ff" * 32),
     "ballot.contests[0].selections[1].alpha: not a canonical ristretto255 encoding"),
    (_set([*SEL, "beta"], 5), "ballot.contests[0].selections[1].beta: expected a hex string"),
    (_set([*SEL, "gamma"], "00"), "ballot.contests[0].selections[1]: unexpected field 'gamma'"),
    (_del([*SEL, "option"]), "ballot.contests[0].selections[1]: missing field 'option'"),
    (_set([*SEL, "option"], 3), "ballot.contests[0].selections[1].option: expected a string"),
    (_set([*SEL, "proof", "responses", 1], "ff" * 32),
     "ballot.contests[0].selections[1].proof.responses[1]: not canonical"),
    (_set([*SEL, "proof", "challenges"], "00"),
     "ballot.contests[0].selections[1].proof.challenges: expected a list"),
    (_set(["contests", 2, "proof", "extra"], []), "ballot.contests[2].proof: unexpected field"),
    (_del(["contests", 1, "proof"]), "ballot.contests[1]: missing field 'proof'"),
    (_set(["contests", 1, "selections"], {}), "ballot.contests[1].selections: expected a list"),
    (_set(["contests", 1], []), "ballot.contests[1]: expected an object, got list"),
    (_set(["contests"], None), "ballot.contests: expected a list, got NoneType"),
    (_set(["election"], "00" * 32), "ballot.election: expected 128 lowercase hex characters"),
    (_set(["election"], "0g" * 64), "ballot.election: expected 128 lowercase hex characters"),
    (_set(["election"], "0" * 127), "ballot.election: expected 128 lowercase hex characters"),
    (_set(["district"], None), "ballot.district: expected a string"),
    (_del(["credential"]), "ballot.credential: expected a hex string"),
    (_set(["signature", "response"], "ff" * 32), "ballot.signature.response: not canonical"),
    (_set(["signature", "proof"], "x"), "ballot.signature: unexpected field 'proof'"),
    (_del(["signature", "challenge"]), "ballot.signature: missing field 'challenge'"),
    (_set(["signature", "challenge"], 1), "ballot.signature.challenge: expected a hex string"),
    (_set(["signature"], []), "ballot.signature: expected an object"),
    (_set(["tracker"], "00"), "ballot: unexpected field 'tracker'"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_from_json_rejects_malformed(north_vote: Any, edit: Any, message: str) -> None:
    value = json.loads(json.dumps(north_vote.ballot.to_json()))
    edit(value)
    with pytest.raises(DecodeError, match="^" + re.escape(message)):
        B.from_json(value)


@pytest.mark.parametrize("text", [" " + "00" * 63 + " ", "00" * 61 + "\t00\n" + "00"])
def test_from_json_rejects_whitespace_in_election_hex(north_vote: Any, text: str) -> None:
    """The election fingerprint is exactly 128 lowercase hex digits. The length is checked on
    the text, and `bytes.fromhex` skips whitespace, so 63 bytes get through (BUG:
    ballot._hex_bytes must reject non-hex characters, e.g. check the decoded length too)."""
    value = json.loads(json.dumps(north_vote.ballot.to_json()))
    value["election"] = text
    assert len(text) == 128
    with pytest.raises(DecodeError, match=r"^ballot\.election: "):
        B.from_json(value)


def test_from_json_not_an_object() -> None:
    with pytest.raises(DecodeError, match=r"^ballot: expected an object, got str"):
        B.from_json("ballot")
    with pytest.raises(DecodeError, match=r"^line 3: expected an object"):
        B.from_json(None, "line 3")
