"""The order of the board log (openballot.record.log_grammar, protocol.md 17.1.1).

Honest logs are drawn as the board's service makes them (the phase rules of
`server/service.py`), with stand-in payloads: the grammar reads only kinds, trustee numbers,
`n` and the tally's ballot-log size. A second, declarative statement of the rules below
(`_grammatical`: where each leaf may be, by index) is checked against the state machine.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openballot.record.ballot_log import AuditEntry, CastEntry
from openballot.record.board_entries import (
    CeremonyOkEntry,
    ComplaintsEntry,
    CredentialsEntry,
    DecryptionEntry,
    ElectionEntry,
    KeyCommitmentEntry,
    LeafRead,
    ManifestEntry,
    ResultEntry,
    SharesEntry,
    TallyEntry,
    TrusteeKeyEntry,
)
from openballot.record.log_grammar import Breach, LogOrder, Phase, Rule

Log = list[LeafRead]


def commit(i: int) -> KeyCommitmentEntry:
    return KeyCommitmentEntry({"index": i})


def key(i: int) -> TrusteeKeyEntry:
    return TrusteeKeyEntry({"index": i})


def tally(size: int) -> TallyEntry:
    return TallyEntry({"ballot_log": {"size": size, "root": "00" * 32}})


def decryption(i: int) -> DecryptionEntry:
    return DecryptionEntry({"trustee": i})


def replay(log: Log) -> tuple[LogOrder, list[tuple[int, Breach]]]:
    order, found = LogOrder(), []
    for index, leaf in enumerate(log):
        found += [(index, b) for b in order.breaches(leaf)]
        order = order.after(leaf)
    return order, found


def accepted(log: Log) -> bool:
    order, found = replay(log)
    return not found and not order.finish()


def honest_log(n: int = 3) -> Log:
    return [
        ManifestEntry({}, n, 2),
        *(commit(i) for i in range(1, n + 1)),
        *(key(i) for i in range(1, n + 1)),
        *(SharesEntry(i, [], {}) for i in range(1, n + 1)),
        *(CeremonyOkEntry(i, {}) for i in range(1, n + 1)),
        CredentialsEntry({}),
        ElectionEntry({}),
        CastEntry,
        AuditEntry,
        CastEntry,
        tally(3),
        decryption(1),
        decryption(3),
        ResultEntry({}),
    ]


def test_an_honest_log_is_grammatical_leaf_by_leaf() -> None:
    order = LogOrder()
    assert order.phase is Phase.EMPTY
    phases = []
    for leaf in honest_log():
        assert order.breaches(leaf) == ()
        order = order.after(leaf)
        phases.append(order.phase)
    assert phases[0] is Phase.SETUP and phases[-1] is Phase.DECRYPTED
    assert (order.size, order.ballots) == (len(honest_log()), 3)


def test_an_empty_log_has_no_manifest() -> None:
    assert [b.rule for b in LogOrder().finish()] == [Rule.MANIFEST]


def _rules_of(log: Log) -> set[Rule]:
    return {b.rule for _, b in replay(log)[1]}


def _at(log: Log, tag: str) -> int:
    return next(i for i, leaf in enumerate(log) if tag == leaf.TAG)


H = honest_log()
E, T, R = _at(H, "election"), _at(H, "tally"), _at(H, "result")

#: One log for each rule that breaks it, and no other rule but where said below.
BREAKING: dict[Rule, Log] = {
    Rule.MANIFEST: [H[1], H[0], *H[2:]],
    Rule.TRUSTEE: [*H[:E], CeremonyOkEntry(9, {}), *H[E:]],
    Rule.ONCE: [*H[:R], decryption(3), *H[R:]],
    # After an election leaf in its place every setup leaf is also a repeat (order.once):
    # alone, order.setup follows an election leaf out of place.
    Rule.SETUP: [*H[: E - 1], ElectionEntry({}), CredentialsEntry({})],
    Rule.COMMITMENT: [H[0], commit(1), key(1)],
    Rule.SHARES: [*H[:5], key(2), SharesEntry(1, [], {})],
    Rule.VERDICT: [*H[:5], CeremonyOkEntry(1, {})],
    Rule.OPENING: [*H[: E - 1], ElectionEntry({})],  # before the credential list
    Rule.BALLOT: [*H[:E], CastEntry],
    Rule.TALLY: [*H[:E], tally(0)],
    Rule.TALLY_SIZE: [*H[:T], tally(2)],
    Rule.DECRYPTION: [*H[:T], decryption(1)],
    Rule.RESULT: [*H[:T], ResultEntry({})],
}


def test_every_rule_has_its_example() -> None:
    assert set(BREAKING) == set(Rule)


@pytest.mark.parametrize("rule", list(Rule), ids=str)
def test_each_rule_is_reported_alone(rule: Rule) -> None:
    also = {Rule.OPENING} if rule is Rule.SETUP else set()
    assert _rules_of(BREAKING[rule]) == {rule} | also


@pytest.mark.parametrize(
    ("log", "rules"),
    [
        # The four rewritten logs, on stand-in leaves (tests/verify has them signed).
        ([*H[: T - 1], tally(3), H[T - 1], *H[T + 1 :]], {Rule.TALLY_SIZE, Rule.BALLOT}),
        ([*H[:E], CeremonyOkEntry(9, {}), *H[E:]], {Rule.TRUSTEE}),
        ([*H[:E], *H[E + 1 :], H[E]], {Rule.BALLOT, Rule.TALLY, Rule.OPENING}),
        ([H[1], H[0], *H[2:]], {Rule.MANIFEST}),
        # Nothing follows the result: each kind breaks its own rule there.
        ([*H, CastEntry], {Rule.BALLOT}),
        ([*H, decryption(2)], {Rule.DECRYPTION}),
        ([*H, ResultEntry({})], {Rule.ONCE}),
        ([*H, key(1)], {Rule.ONCE, Rule.SETUP}),
        ([*H, ManifestEntry({}, 3, 2)], {Rule.MANIFEST}),
        # A complaint stops the opening; a verdict is one of ok or complaints.
        ([*H[: E - 2], ComplaintsEntry(3, [], {}), *H[E - 1 :]], {Rule.OPENING}),
        ([*H[: E - 1], ComplaintsEntry(1, [], {}), H[E]], {Rule.ONCE, Rule.OPENING}),
        ([*H[:E], ElectionEntry({}), ElectionEntry({})], {Rule.ONCE}),
        ([*H[:T], tally(0), tally(0)], {Rule.ONCE, Rule.TALLY_SIZE}),
    ],
)
def test_misplaced_leaves(log: Log, rules: set[Rule]) -> None:
    assert _rules_of(log) == rules


def test_a_breach_names_its_rule_and_where() -> None:
    [(index, breach)] = replay(BREAKING[Rule.BALLOT])[1]
    assert index == E
    assert str(breach) == "[order.ballot] a 'cast' leaf before the election leaf"
    [(_, breach)] = replay(BREAKING[Rule.TALLY_SIZE])[1]
    assert (
        breach.message == "the tally is of a ballot log of 2 lines, but 3 ballot leaves precede it"
    )


def test_a_misplaced_leaf_moves_the_log_on() -> None:
    """A tally before the election still closes it: the ballots after it are out of place,
    each reported where it is."""
    log = [*H[:E], tally(0), H[E], CastEntry, CastEntry]
    found = replay(log)[1]
    assert [(i, b.rule) for i, b in found] == [
        (E, Rule.TALLY),
        (E + 1, Rule.OPENING),
        (E + 2, Rule.BALLOT),
        (E + 3, Rule.BALLOT),
    ]


def test_stepping_over_ballots_at_once() -> None:
    order = LogOrder()
    for leaf in H[: E + 1]:
        order = order.after(leaf)
    many = order.after_ballots(5)
    assert (many.size, many.ballots) == (order.size + 5, 5)
    assert many.breaches(tally(5)) == ()
    with pytest.raises(ValueError, match="-1 ballot leaves"):
        order.after_ballots(-1)


# --- hypothesis: honest logs, their prefixes, and swaps -------------------------------------


@st.composite
def honest_logs(draw: Any) -> Log:
    """A log as the board's service can make it (server/service.py): keys in any order,
    then shares, then verdicts; the credential list anywhere in the setup; then ballots,
    the tally, decryptions of any trustees, and the result once t have decrypted. Some
    ceremonies fail (a complaint), and such a log never opens."""
    n = draw(st.integers(1, 4))
    t = draw(st.integers(1, n))
    perm = st.permutations(list(range(1, n + 1)))
    setup: Log = [commit(i) for i in draw(perm)]
    setup += [key(i) for i in draw(perm)]
    setup += [SharesEntry(i, [], {}) for i in draw(perm)]
    verdicts = draw(perm)
    complain: set[int] = set()
    if draw(st.booleans()):  # a failed ceremony: some verdicts, at least one a complaint
        verdicts = verdicts[: draw(st.integers(1, n))]
        complain = draw(st.sets(st.sampled_from(verdicts), min_size=1))
    setup += [
        ComplaintsEntry(i, [], {}) if i in complain else CeremonyOkEntry(i, {}) for i in verdicts
    ]
    setup.insert(draw(st.integers(0, len(setup))), CredentialsEntry({}))
    log: Log = [ManifestEntry({}, n, t), *setup]
    if any(isinstance(leaf, ComplaintsEntry) for leaf in log):
        return log
    ballots = draw(st.lists(st.sampled_from([CastEntry, AuditEntry]), max_size=6))
    log += [ElectionEntry({}), *ballots, tally(len(ballots))]
    decrypted = draw(perm)[: draw(st.integers(0, n))]
    log += [decryption(i) for i in decrypted]
    if len(decrypted) >= t:
        log.append(ResultEntry({}))
    return log


def _trustee(leaf: LeafRead) -> int | None:
    match leaf:
        case KeyCommitmentEntry():
            return int(leaf.commitment["index"])
        case TrusteeKeyEntry():
            return int(leaf.key["index"])
        case SharesEntry():
            return leaf.sender
        case CeremonyOkEntry():
            return leaf.trustee
        case ComplaintsEntry():
            return leaf.accuser
        case DecryptionEntry():
            return int(leaf.decryption["trustee"])
        case _:
            return None


def _grammatical(log: Log) -> bool:
    """protocol.md 17.1.1 again, stated by index rather than as a state machine."""
    tags = [leaf.TAG for leaf in log]
    if not log or not isinstance(log[0], ManifestEntry) or tags.count("manifest") != 1:
        return False
    n = log[0].trustees
    inf = len(log)
    where = {tag: [i for i, x in enumerate(tags) if x == tag] for tag in set(tags)}

    def first(tag: str) -> int:
        return where.get(tag, [inf])[0]

    def all_of(tag: str) -> list[int]:
        return where.get(tag, [])

    election, tally_at, result = first("election"), first("tally"), first("result")
    verdict = ("ceremony-ok", "complaints")
    group = {"ceremony-ok": "verdict", "complaints": "verdict"}
    once = Counter((group.get(x, x), _trustee(leaf)) for x, leaf in zip(tags, log, strict=True))
    if any(c > 1 for (g, _), c in once.items() if g not in ("cast", "audit")):
        return False
    if any(not 1 <= t <= n for t in map(_trustee, log) if t is not None):
        return False

    def trustees_before(tags_: tuple[str, ...], i: int) -> bool:
        done = {_trustee(log[j]) for j in range(i) if tags[j] in tags_}
        return done >= set(range(1, n + 1))

    for i, x in enumerate(tags):
        setup = ("trustee-key-commitment", "trustee-key", "shares", *verdict, "credentials")
        if x in setup and i > min(election, tally_at, result):
            return False
        if x == "trustee-key" and not trustees_before(("trustee-key-commitment",), i):
            return False
        if x == "trustee-key-commitment" and "trustee-key" in tags[:i]:
            return False
        if x == "shares" and not trustees_before(("trustee-key",), i):
            return False
        if x in verdict and not trustees_before(("shares",), i):
            return False
        if x in ("cast", "audit") and not election < i < tally_at:
            return False
        if x == "decryption" and not tally_at < i < result:
            return False
    if election < inf and (
        election > min(tally_at, result)
        or not trustees_before(verdict, election)
        or any(i < election for i in all_of("complaints"))
        or first("credentials") > election
    ):
        return False
    if tally_at < inf:
        before = sum(1 for x in tags[:tally_at] if x in ("cast", "audit"))
        leaf = log[tally_at]
        assert isinstance(leaf, TallyEntry)
        if election > tally_at or tally_at > result or leaf.tally["ballot_log"]["size"] != before:
            return False
    return not (result < inf and tally_at > result)


@settings(max_examples=300, deadline=None)
@given(honest_logs(), st.data())
def test_every_prefix_of_an_honest_log_is_accepted(log: Log, data: Any) -> None:
    assert _grammatical(log)
    order = LogOrder()
    for leaf in log:
        assert order.breaches(leaf) == (), (leaf, order)
        order = order.after(leaf)
        assert order.finish() == ()
    end = data.draw(st.integers(1, len(log)))
    assert accepted(log[:end]) and _grammatical(log[:end])


@settings(max_examples=500, deadline=None)
@given(honest_logs(), st.data())
def test_a_swap_of_two_leaves_of_different_kinds_is_refused_unless_still_grammatical(
    log: Log, data: Any
) -> None:
    pairs = [
        (i, j) for i in range(len(log)) for j in range(i + 1, len(log)) if log[i].TAG != log[j].TAG
    ]
    if not pairs:
        return
    i, j = data.draw(st.sampled_from(pairs))
    swapped = list(log)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert accepted(swapped) == _grammatical(swapped), (i, j, [x.TAG for x in swapped])
    if {log[i].TAG, log[j].TAG} & {"manifest", "election", "tally", "result"}:
        assert not accepted(swapped)  # these swaps always break a rule


@settings(max_examples=300, deadline=None)
@given(honest_logs(), st.data())
def test_a_leaf_inserted_anywhere_is_judged_as_the_declarative_rules_say(
    log: Log, data: Any
) -> None:
    n = log[0].trustees  # type: ignore[union-attr]
    i = data.draw(st.integers(1, n + 1))
    extra = data.draw(
        st.sampled_from(
            [
                commit(i),
                key(i),
                SharesEntry(i, [], {}),
                CeremonyOkEntry(i, {}),
                ComplaintsEntry(i, [], {}),
                CredentialsEntry({}),
                ElectionEntry({}),
                CastEntry,
                AuditEntry,
                tally(0),
                decryption(i),
                ResultEntry({}),
                ManifestEntry({}, n, 1),
            ]
        )
    )
    at = data.draw(st.integers(0, len(log)))
    changed = [*log[:at], extra, *log[at:]]
    assert accepted(changed) == _grammatical(changed), (at, [x.TAG for x in changed])
