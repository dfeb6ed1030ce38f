"""`openballot demo`: a whole election through the same steps the roles run on their own
machines: 3 trustees (threshold 2), credentials for two districts, votes with re-votes and
audited ballots, the tally, decryption with one trustee absent, and the result."""

from __future__ import annotations

import random
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from openballot.cli import steps
from openballot.cli.tables import result_table
from openballot.election.manifest import Manifest
from openballot.errors import ProtocolError, RecordError
from openballot.record.ballot_box import BallotBox
from openballot.record.layout import RecordLayout

__all__ = ["run_demo", "demo_manifest_path"]

TRUSTEES = ("United Nations electoral team", "Party coalition A", "Civil-society observers")
ABSENT_TRUSTEE = 2


def demo_manifest_path() -> Path:
    return Path(str(resources.files("openballot.cli") / "demo_manifest.json"))


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
) -> None:
    """Run the whole election into `record`. `rng` draws the voters' choices and their coin
    tosses (audit a ballot first: 5 %; re-vote: 10 %), default a fresh `random.Random()`
    seeded by the system; keys, codes and proofs always use the system's randomness."""
    if record.exists():
        if not (record / "record.json").exists():
            raise RecordError(f"{record}: exists and is not a record; choose another --record")
        shutil.rmtree(record)
    rng = random.Random() if rng is None else rng
    with tempfile.TemporaryDirectory(prefix="openballot-demo-secrets-") as tmp:
        secrets_dir = Path(tmp)
        manifest = steps.new_election(record, demo_manifest_path(), len(TRUSTEES), 2)
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
        north = voters - voters // 2
        issued = steps.generate_credentials(
            record, {"north": north, "south": voters - north}, secrets_dir / "codes.json"
        )
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
