"""`openballot demo`: a whole election through the same steps the roles run on their own
machines: 3 trustees (threshold 2), credentials for every district of the manifest (the
bundled one, or any given with --manifest), votes with re-votes and audited ballots, the
tally, decryption with one trustee absent, and the result with its figures and seats."""

from __future__ import annotations

import random
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console, Group
from rich.progress import Progress
from rich.table import Table

from openballot.cli import roles, steps
from openballot.cli.tables import result_table
from openballot.election.decryption import Result
from openballot.election.manifest import Manifest
from openballot.errors import ProtocolError, RecordError
from openballot.record.ballot_box import BallotBox
from openballot.record.layout import RecordLayout

__all__ = ["run_demo", "demo_manifest_path", "spread_voters", "outcome_tables"]

TRUSTEES = ("United Nations electoral team", "Party coalition A", "Civil-society observers")
ABSENT_TRUSTEE = 2


def demo_manifest_path() -> Path:
    return Path(str(resources.files("openballot.cli") / "demo_manifest.json"))


def spread_voters(manifest: Manifest, voters: int) -> dict[str, int]:
    """`voters` spread over the manifest's districts as evenly as can be, earlier districts
    taking the remainder; every district needs at least one voter."""
    ids = manifest.district_ids()
    if voters < len(ids):
        raise ProtocolError(
            f"the demo needs at least one voter per district: {len(ids)} districts, "
            f"{voters} voter(s); give --voters {len(ids)} or more"
        )
    base, extra = divmod(voters, len(ids))
    return {d: base + (i < extra) for i, d in enumerate(ids)}


def random_choices(manifest: Manifest, district: str, rng: random.Random) -> dict[str, list[str]]:
    choices = {}
    for contest in manifest.ballot_style(district):
        k = rng.randint(contest.min_selections, contest.max_selections)
        # Skewed preferences, so the result table shows a winner.
        weights = [len(contest.options) - i for i in range(len(contest.options))]
        picked: list[str] = []
        while len(picked) < k:
            o = rng.choices(contest.options, weights)[0].id
            if o not in picked:
                picked.append(o)
        choices[contest.id] = picked
    return choices


def run_demo(
    voters: int,
    record: Path,
    workers: int | None,
    out: Console,
    rng: random.Random | None = None,
    manifest_file: Path | None = None,
) -> None:
    """Run the whole election into `record` on `manifest_file` (default: the bundled demo
    manifest). `rng` draws the voters' choices and their coin tosses (audit a ballot first:
    5 %; re-vote: 10 %), default a fresh `random.Random()` seeded by the system; keys, codes
    and proofs always use the system's randomness."""
    manifest_file = demo_manifest_path() if manifest_file is None else manifest_file
    # Read and checked before the old record is removed: a bad manifest changes nothing.
    per_district = spread_voters(roles.read_manifest(manifest_file), voters)
    if record.exists():
        if not (record / "record.json").exists():
            raise RecordError(f"{record}: exists and is not a record; choose another --record")
        shutil.rmtree(record)
    rng = random.Random() if rng is None else rng
    with tempfile.TemporaryDirectory(prefix="openballot-demo-secrets-") as tmp:
        secrets_dir = Path(tmp)
        manifest = steps.new_election(record, manifest_file, len(TRUSTEES), 2)
        out.print(f"[bold]{manifest.title.get('en')}[/]: record at {record}")
        for i, name in enumerate(TRUSTEES, start=1):
            steps.trustee_keygen(record, i, name, secrets_dir / f"trustee-{i}.secret.json")
        for i in range(1, len(TRUSTEES) + 1):
            steps.trustee_reveal(record, secrets_dir / f"trustee-{i}.secret.json")
        for i in range(1, len(TRUSTEES) + 1):
            steps.trustee_exchange(record, secrets_dir / f"trustee-{i}.secret.json")
        for i in range(1, len(TRUSTEES) + 1):
            steps.trustee_finish(
                record,
                secrets_dir / f"trustee-{i}.secret.json",
                secrets_dir / f"trustee-{i}.share.json",
            )
        out.print(f"key ceremony: {len(TRUSTEES)} trustees, threshold 2, no complaints")
        issued = steps.generate_credentials(record, per_district, secrets_dir / "codes.json")
        ctx = steps.open_election(record)
        out.print(
            f"{len(issued)} credentials published; election open "
            f"(fingerprint {ctx.fingerprint.hex()[:16]}…)"
        )
        box = BallotBox(RecordLayout(record), ctx)
        audits = revotes = 0
        with Progress(console=out, transient=True) as progress:
            task = progress.add_task("voting", total=len(issued))
            for district, code in issued:
                if rng.random() < 0.05:
                    ballot, opening = steps.encrypt_vote(
                        ctx, code, district, random_choices(manifest, district, rng)
                    )
                    box.audit(ballot, opening)
                    audits += 1
                ballot, _ = steps.encrypt_vote(
                    ctx, code, district, random_choices(manifest, district, rng)
                )
                box.cast(ballot)
                if rng.random() < 0.1:
                    ballot, _ = steps.encrypt_vote(
                        ctx, code, district, random_choices(manifest, district, rng)
                    )
                    box.cast(ballot)
                    revotes += 1
                progress.advance(task)
        out.print(f"{len(issued)} voters cast, {revotes} re-voted, {audits} audited a ballot")
        tally, problems = steps.compute_tally(record, workers)
        if problems:
            raise ProtocolError(f"the demo's own ballot log has problems: {problems[0]}")
        for i in range(1, len(TRUSTEES) + 1):
            if i != ABSENT_TRUSTEE:
                steps.trustee_decrypt(record, secrets_dir / f"trustee-{i}.share.json")
        out.print(f"decrypted by trustees 1 and 3; trustee {ABSENT_TRUSTEE} is absent")
        result = steps.publish_result(record)
    out.print(result_table(manifest, result))
    out.print(outcome_tables(manifest, result))


def outcome_tables(manifest: Manifest, result: Result, language: str = "en") -> Group:
    """The figures (turnout, blanks) and the seats of `result`, as terminal tables in one
    language (the localized `openballot results` printing is the results command's)."""
    turnout = Table(title="Turnout")
    for name in ("district", "registered", "credentials", "counting ballots", "turnout"):
        turnout.add_column(name, justify="left" if name == "district" else "right")
    for f in result.districts:
        share = f"{100 * f.counting_ballots / f.credentials:.1f} %" if f.credentials else "-"
        registered = "-" if f.registered is None else str(f.registered)
        label = next(d.labels.get(language) for d in manifest.districts if d.id == f.district)
        turnout.add_row(label, registered, str(f.credentials), str(f.counting_ballots), share)
    blanks = Table(title="Blank selections")
    for name in ("contest", "district", "counting ballots", "blank"):
        blanks.add_column(name, justify="left" if name in ("contest", "district") else "right")
    for cf in result.contests:
        blanks.add_row(
            manifest.contest(cf.contest).labels.get(language),
            cf.district,
            str(cf.counting_ballots),
            str(cf.blank),
        )
    parts: list[Table | str] = [turnout, blanks]
    outcome, totals = result.outcome, result.totals()
    for contest in (c for c in manifest.contests if c.seats is not None):
        assert contest.seats is not None
        rule = contest.seats
        threshold = (
            f", threshold {float(rule.threshold_percent):g} %" if rule.threshold_percent else ""
        )
        seats = Table(
            title=f"{contest.labels.get(language)}: {rule.seats} seat(s), "
            f"{rule.method.value}{threshold}"
        )
        for name in ("option", "votes", "seats"):
            seats.add_column(name, justify="left" if name == "option" else "right")
        won = {o: n for cid, o, n in outcome.seats if cid == contest.id}
        excluded = {o for cid, o in outcome.excluded if cid == contest.id}
        for option in contest.options:
            note = " (under the threshold)" if option.id in excluded else ""
            seats.add_row(
                option.labels.get(language) + note,
                str(totals[contest.id][option.id]),
                str(won[option.id]),
            )
        parts.append(seats)
        for cid, n in outcome.unfilled:
            if cid == contest.id:
                parts.append(f"{n} seat(s) unfilled: no option could take them")
        for cid, tie in outcome.ties:
            if cid == contest.id:
                parts.append(
                    f"tie for seat {tie.first_seat} ({tie.seats} seat(s)) among "
                    f"{', '.join(tie.options)}: the public draw gave {', '.join(tie.order)}"
                )
    return Group(*parts)
