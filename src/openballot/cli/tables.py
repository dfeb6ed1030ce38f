"""The result as a table for a terminal, in the manifest's English labels."""

from __future__ import annotations

from rich.table import Table

from openballot.election.decryption import Result
from openballot.election.manifest import Manifest

__all__ = ["result_table"]


def result_table(manifest: Manifest, result: Result, language: str = "en") -> Table:
    districts = manifest.district_ids()
    table = Table(
        title=f"{manifest.title.get(language)} — result (decrypted by trustees "
        f"{', '.join(map(str, result.decrypted_by))})"
    )
    table.add_column("contest")
    table.add_column("option")
    for d in districts:
        table.add_column(d, justify="right")
    table.add_column("total", justify="right", style="bold")
    counts = {slot: n for slot, n in result.counts}
    totals = result.totals()
    for contest in manifest.contests:
        for k, option in enumerate(contest.options):
            row = [contest.labels.get(language) if k == 0 else "", option.labels.get(language)]
            for d in districts:
                n = counts.get((contest.id, d, option.id))
                row.append("" if n is None else str(n))
            row.append(str(totals[contest.id][option.id]))
            table.add_row(*row, end_section=k == len(contest.options) - 1)
    return table
