"""Every check id the verifier can report, declared once, in the order the checks run.

The ids are stable: scripts grep for them, and docs/record.md's table lists exactly these
(tests/verify/test_checks.py holds the two together). Findings are made with these constants,
never with a string literal, so a new check cannot be added without a line here.
"""

from __future__ import annotations

from enum import StrEnum

from openballot.record.log_grammar import Rule

__all__ = ["Check", "order_check"]


class Check(StrEnum):
    """A check id, with a one-line meaning. A `StrEnum`, so that an id prints and compares as
    its text; docs/record.md says at length what each finding means."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> Check:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    CEREMONY_PARAMETERS = (
        "ceremony.parameters",
        "n or t of the record differ from ceremony/parameters.json",
    )
    CEREMONY_TRUSTEES = "ceremony.trustees", "the trustee set does not fit the threshold"
    CEREMONY_TRUSTEE_PROOF = "ceremony.trustee-proof", "a trustee's key or coefficient proof fails"
    CEREMONY_COMMITMENT = (
        "ceremony.commitment",
        "a trustee key does not match its commitment, or one of them is missing",
    )
    CEREMONY_SHARES = "ceremony.shares", "a share file is unreadable or its recipients are wrong"
    CEREMONY_SIGNATURE = (
        "ceremony.signature",
        "a trustee's shares or verdict are not signed by its signing key",
    )
    CEREMONY_COMPLAINT = "ceremony.complaint", "a complaint exists, or cannot be read or checked"
    ELECTION_SUMMARY = (
        "election.summary",
        "election.json differs from the values recomputed from the record",
    )
    BOARD_DECODE = "board.decode", "a line of board.jsonl is not a leaf"
    BOARD_CONTENT = "board.content", "a record file or ballot line disagrees with the board log"
    # The order of the board log: one check per rule of its grammar, whose id is the rule's
    # (openballot.record.log_grammar, protocol.md 17.1.1).
    ORDER_MANIFEST = Rule.MANIFEST.value, "leaf 0 is not the manifest, or another leaf is one"
    ORDER_TRUSTEE = Rule.TRUSTEE.value, "a leaf names a trustee outside 1..n"
    ORDER_ONCE = Rule.ONCE.value, "a leaf that may appear once (per trustee) appears again"
    ORDER_COMMITMENT = (
        Rule.COMMITMENT.value,
        "a trustee key before every trustee's key commitment, or a commitment after a key",
    )
    ORDER_SETUP = (
        Rule.SETUP.value,
        "a trustee key, shares, verdict or credential list after the opening",
    )
    ORDER_SHARES = Rule.SHARES.value, "a trustee's shares come before all n trustee keys"
    ORDER_VERDICT = Rule.VERDICT.value, "a trustee's verdict comes before all n trustees' shares"
    ORDER_OPENING = Rule.OPENING.value, "the election leaf is out of place"
    ORDER_BALLOT = Rule.BALLOT.value, "a ballot leaf is not between the election leaf and the tally"
    ORDER_TALLY = Rule.TALLY.value, "the tally is not in the open election"
    ORDER_TALLY_SIZE = (
        Rule.TALLY_SIZE.value,
        "the tally's ballot-log size is not the number of ballot leaves before it",
    )
    ORDER_DECRYPTION = Rule.DECRYPTION.value, "a decryption is not between the tally and the result"
    ORDER_RESULT = Rule.RESULT.value, "the result comes before the tally"
    BOARD_TREE_HEAD = (
        "board.tree-head",
        "a signed tree head is missing, unreadable or not the log's",
    )
    BOARD_SIGNATURE = "board.signature", "a tree head's signature does not verify"
    BOARD_RECEIPT = "board.receipt", "a voter's receipt is not honoured by the board log"
    BALLOT_DECODE = "ballot.decode", "a ballot line is not a cast or audit entry"
    BALLOT_DUPLICATE = "ballot.duplicate", "a tracker's line repeats a line of the same kind"
    AUDIT_CAST = "audit.cast", "a tracker is both cast and audited"
    AUDIT_OPENING = "audit.opening", "an audited ballot or its opening fails"
    AUDIT_ELIGIBILITY = (
        "audit.eligibility",
        "an audited ballot's credential is not on its district's list",
    )
    BALLOT_PROOF = "ballot.proof", "a cast ballot is not valid on its own"
    BALLOT_ELIGIBILITY = (
        "ballot.eligibility",
        "a cast ballot's credential is not on its district's list",
    )
    TALLY_MISSING = "tally.missing", "there is no tally.json"
    TALLY_DECODE = "tally.decode", "tally.json cannot be read or is malformed"
    TALLY_BALLOT_LOG = "tally.ballot-log", "the tally is of another ballot log"
    TALLY_COUNTED = "tally.counted", "a district's counted ballots differ"
    TALLY_AGGREGATE = (
        "tally.aggregate",
        "a tally ciphertext is not the product of the counted ballots",
    )
    DECRYPTION_DECODE = (
        "decryption.decode",
        "a trustee's decryption file cannot be read or is misnamed",
    )
    DECRYPTION_SIGNATURE = (
        "decryption.signature",
        "a trustee's decryption is not signed by its signing key",
    )
    DECRYPTION_PROOF = "decryption.proof", "a trustee's decryption does not verify"
    RESULT_MISSING = "result.missing", "there is a tally but no result.json"
    RESULT_DECODE = "result.decode", "result.json cannot be read or is malformed"
    RESULT_DECRYPTED_BY = (
        "result.decrypted-by",
        "the result names a trustee without a valid decryption",
    )
    RESULT_DECRYPTION = "result.decryption", "the named decryptions cannot give a result"
    RESULT_COUNT = "result.count", "a count differs from the one the decryptions give"
    RESULT_FIGURES = (
        "result.figures",
        "a district's or contest's figures differ from the record's (registered, credentials, "
        "counting ballots, blank)",
    )
    RESULT_SEATS = (
        "result.seats",
        "a contest's seats, excluded options or unfilled seats differ from the allocation",
    )
    RESULT_TIES = "result.ties", "a tie is missing, invented, or not settled by the public draw"


def order_check(rule: Rule) -> Check:
    """The check that reports a breach of a rule of the board log's grammar."""
    return _BY_ID[rule.value]


_BY_ID: dict[str, Check] = {check.value: check for check in Check}
