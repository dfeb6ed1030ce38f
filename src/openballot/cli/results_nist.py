"""`openballot results --format nist-1500-100`: the result in the NIST SP 1500-100 v2 JSON
common data format (an `ElectionResults.ElectionReport`).

The mapping, and why, is in docs/decisions.md ("The NIST SP 1500-100 export"). In short:
one ReportingUnit per district and one for the whole election; a yes/no contest is a
BallotMeasureContest, every other one a CandidateContest whose options are Candidates; vote
counts per district and in all; ballots counted per district as BallotCounts; blank
selections as undervotes; seats as VoteCounts of type "seats" and NumberElected; labels as
InternationalizedText in every language of the manifest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import metadata
from typing import Any, Final

from openballot.cli.results_data import ResultView
from openballot.election.context import ElectionContext
from openballot.election.manifest import Contest, Labels, Manifest

__all__ = ["nist_report"]

_T: Final = "ElectionResults."
SCOPE: Final = "gpu.election"


def _typed(kind: str, **fields: Any) -> dict[str, Any]:
    return {"@type": _T + kind, **fields}


def _text(labels: Labels) -> dict[str, Any]:
    """InternationalizedText: every language of the label, in the manifest's (sorted) order."""
    return _typed(
        "InternationalizedText",
        Text=[
            _typed("LanguageString", Content=content, Language=lang)
            for lang, content in labels.texts
        ],
    )


def _gp(district: str) -> str:
    return f"gpu.district.{district}"


def _contest_unit(m: Manifest, contest: Contest) -> str:
    """The unit a contest is decided in: one district, the whole election, or an area of
    several districts (a unit of its own, `_area`)."""
    if len(contest.districts) == 1:
        return _gp(contest.districts[0])
    if set(contest.districts) == set(m.district_ids()):
        return SCOPE
    return f"gpu.area.{contest.id}"


def _area(contest: Contest) -> dict[str, Any]:
    return _typed(
        "ReportingUnit",
        **{"@id": f"gpu.area.{contest.id}"},
        Type="other",
        OtherType="contest-area",
        Name=_text(contest.labels),
        ComposingGpUnitIds=[_gp(d) for d in contest.districts],
    )


def is_ballot_measure(contest: Contest, view: ResultView) -> bool:
    """A yes/no question: two options "yes" and "no", one choice, no seats."""
    return (
        set(contest.option_ids()) == {"yes", "no"}
        and contest.max_selections == 1
        and view.seats_of(contest.id) is None
    )


def _votes(unit: str, count: int, kind: str = "total") -> dict[str, Any]:
    return _typed("VoteCounts", Count=count, GpUnitId=unit, Type=kind)


def _contest(
    m: Manifest, contest: Contest, view: ResultView, order: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The contest, and the Candidates its options become (none for a ballot measure)."""
    counts = {slot: n for slot, n in view.result.counts}
    totals = view.result.totals()[contest.id]
    unit = _contest_unit(m, contest)
    seats = view.seats_of(contest.id)
    measure = is_ballot_measure(contest, view)
    selections, candidates = [], []
    for k, option in enumerate(contest.options, start=1):
        votes = [_votes(_gp(d), counts[(contest.id, d, option.id)]) for d in contest.districts]
        if len(contest.districts) > 1:
            votes.append(_votes(unit, totals[option.id]))
        if seats is not None:
            votes.append(_votes(unit, seats[option.id], "seats"))
        sel: dict[str, Any] = {"@id": f"sel.{contest.id}.{option.id}", "SequenceOrder": k}
        if measure:
            selections.append(
                _typed("BallotMeasureSelection", **sel, Selection=_text(option.labels),
                       VoteCounts=votes)
            )  # fmt: skip
            continue
        candidate = f"cand.{contest.id}.{option.id}"
        selections.append(
            _typed("CandidateSelection", **sel, CandidateIds=[candidate], VoteCounts=votes)
        )
        person: dict[str, Any] = {"@id": candidate, "BallotName": _text(option.labels)}
        if seats is not None:
            person["PostElectionStatus"] = "winner" if seats[option.id] > 0 else "defeated"
        candidates.append(_typed("Candidate", **person))
    fields: dict[str, Any] = {
        "@id": f"contest.{contest.id}",
        "Name": contest.labels.get("en"),
        "BallotTitle": _text(contest.labels),
        "ElectionDistrictId": unit,
        "SequenceOrder": order,
        "ContestSelection": selections,
    }
    fields["OtherCounts"] = [
        _typed("OtherCounts", GpUnitId=_gp(f.district), Undervotes=f.blank)
        for f in view.contests
        if f.contest == contest.id
    ]
    if measure:
        return _typed("BallotMeasureContest", **fields, Type="referendum"), []
    elected = view.number_elected(contest.id)
    fields["VotesAllowed"] = contest.max_selections
    if elected is not None:
        fields["NumberElected"] = elected
        # The rule by which the seats were shared is not in 1500-100 v2's vocabulary for
        # every method (D'Hondt, Sainte-Laguë, Hare): "proportional" when more than one seat.
        fields["VoteVariation"] = "proportional" if elected > 1 else "plurality"
    else:
        fields["VoteVariation"] = "plurality" if contest.max_selections == 1 else "n-of-m"
    return _typed("CandidateContest", **fields), candidates


def _units(m: Manifest, view: ResultView) -> list[dict[str, Any]]:
    figures = {f.district: f for f in view.districts}
    units = [
        _typed(
            "ReportingUnit",
            **{"@id": SCOPE},
            Type="other",
            OtherType="election",
            Name=_text(m.title),
            ComposingGpUnitIds=[_gp(d) for d in m.district_ids()],
        )
    ]
    for d in m.districts:
        unit: dict[str, Any] = {
            "@id": _gp(d.id),
            "Type": "other",
            "OtherType": "district",
            "Name": _text(d.labels),
        }
        unit["VotersParticipated"] = figures[d.id].counting_ballots
        if figures[d.id].registered is not None:
            unit["VotersRegistered"] = figures[d.id].registered
        units.append(_typed("ReportingUnit", **unit))
    units[0]["VotersParticipated"] = sum(f.counting_ballots for f in view.districts)
    registered = [f.registered for f in view.districts]
    if None not in registered:
        units[0]["VotersRegistered"] = sum(n for n in registered if n is not None)
    for c in m.contests:
        if _contest_unit(m, c).startswith("gpu.area."):
            units.append(_area(c))
    return units


def _notes(m: Manifest, view: ResultView) -> str:
    """What 1500-100 v2 has no element for: excluded options, unfilled seats, ties and the
    public draw's order (English, with ids)."""
    lines = [
        f"contest {c}: option {o} is below the threshold and excluded" for c, o in view.excluded
    ]
    lines += [f"contest {c}: {n} seat(s) left unfilled" for c, n in view.unfilled]
    lines += [
        f"contest {t.contest}: tie for seat(s) {t.first_seat} to {t.last_seat} between "
        f"{', '.join(t.options)}, settled by the public draw in the order {', '.join(t.order)}"
        for t in view.ties
    ]
    return "; ".join(lines)


def nist_report(
    ctx: ElectionContext, view: ResultView, now: datetime | None = None
) -> dict[str, Any]:
    """The ElectionReport of the result; `now` (default: this moment) dates it."""
    m = ctx.manifest
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    contests, candidates = [], []
    for k, c in enumerate(m.contests, start=1):
        contest, people = _contest(m, c, view, k)
        contests.append(contest)
        candidates.extend(people)
    election: dict[str, Any] = {
        "Name": _text(m.title),
        "Type": "general",
        "ElectionScopeId": SCOPE,
        # The record holds no calendar dates: the report's date stands for both.
        "StartDate": now.date().isoformat(),
        "EndDate": now.date().isoformat(),
        "ExternalIdentifier": [
            _typed("ExternalIdentifier", Type="other", OtherType="openballot-election-id",
                   Value=m.election_id),
            _typed("ExternalIdentifier", Type="other", OtherType="openballot-fingerprint",
                   Value=ctx.fingerprint.hex()),
        ],  # fmt: skip
        "Contest": contests,
        "Candidate": candidates,
    }
    election["BallotCounts"] = [
        _typed("BallotCounts", GpUnitId=_gp(f.district), Type="total",
               BallotsCast=f.counting_ballots)
        for f in view.districts
    ]  # fmt: skip
    report: dict[str, Any] = {
        "Format": "precinct-level",
        "GeneratedDate": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Issuer": "OpenBallot election record",
        "IssuerAbbreviation": m.election_id,
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "unofficial-complete",
        "VendorApplicationId": f"OpenBallot {metadata.version('openballot')}",
        "Election": [_typed("Election", **election)],
        "GpUnit": _units(m, view),
    }
    notes = _notes(m, view)
    if notes:
        report["Notes"] = notes
    return _typed("ElectionReport", **report)
