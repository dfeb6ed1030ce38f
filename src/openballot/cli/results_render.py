"""`openballot results --format text`: the result for people, in ar, ku or en.

Labels come from the manifest in the chosen language, fixed words from `results_text`, and
every number is written in the language's numerals. Everything is a rich `Text` or `Table`
(never a markup string), so that a label holding "[bold]" is shown as typed.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from openballot.cli.results_data import ResultView
from openballot.cli.results_text import WORDS, isolate, label_text, number, percent, word
from openballot.election.context import ElectionContext
from openballot.election.manifest import Contest, Manifest

__all__ = ["render_text"]


def render_text(ctx: ElectionContext, view: ResultView, lang: str) -> list[RenderableType]:
    """The whole result: heading, one block per contest, turnout, and the fingerprint."""
    m = ctx.manifest
    trustees = WORDS[lang]["and"].join(number(lang, i) for i in view.result.decrypted_by)
    parts: list[RenderableType] = [
        Text(word(lang, "result_of", title=label_text(lang, m.title.get(lang))), style="bold"),
        Text(word(lang, "decrypted_by", trustees=trustees)),
    ]
    for contest in m.contests:
        parts.append(Text(""))
        parts.extend(_contest(m, contest, view, lang))
    parts.append(Text(""))
    parts.append(_turnout(m, view, lang))
    parts.append(Text(word(lang, "fingerprint", fingerprint=isolate(lang, ctx.fingerprint.hex()))))
    return parts


def _names(contest: Contest, options: list[str] | tuple[str, ...], lang: str) -> str:
    labels = {o.id: o.labels.get(lang) for o in contest.options}
    return WORDS[lang]["and"].join(label_text(lang, labels[o]) for o in options)


def _contest(m: Manifest, contest: Contest, view: ResultView, lang: str) -> list[RenderableType]:
    name = label_text(lang, contest.labels.get(lang))
    elected = view.number_elected(contest.id)
    seats = view.seats_of(contest.id)
    heading = (
        name
        if elected is None
        else word(lang, "contest_seats", contest=name, seats=number(lang, elected))
    )
    districts = [d for d in m.districts if d.id in contest.districts]
    table = Table(title=Text(heading, style="bold"), title_justify="left")
    table.add_column(Text(WORDS[lang]["option"]), no_wrap=True)
    for d in districts:
        table.add_column(Text(label_text(lang, d.labels.get(lang))), justify="right")
    table.add_column(Text(WORDS[lang]["total"]), justify="right", style="bold")
    table.add_column(Text(WORDS[lang]["share"]), justify="right")
    if seats is not None:
        table.add_column(Text(WORDS[lang]["seats"]), justify="right", style="bold")
    counts = {slot: n for slot, n in view.result.counts}
    totals = view.result.totals()[contest.id]
    valid = sum(totals.values())
    for option in contest.options:
        row = [Text(label_text(lang, option.labels.get(lang)))]
        row += [Text(number(lang, counts[(contest.id, d.id, option.id)])) for d in districts]
        row += [
            Text(number(lang, totals[option.id])),
            Text(percent(lang, totals[option.id], valid)),
        ]
        if seats is not None:
            row.append(Text(number(lang, seats[option.id])))
        table.add_row(*row)
    blank = {(f.contest, f.district): f.blank for f in view.contests}
    per_district = [blank[(contest.id, d.id)] for d in districts]
    row = [Text(WORDS[lang]["blank"], style="italic")]
    row += [Text(number(lang, n)) for n in per_district]
    row += [Text(number(lang, sum(per_district))), Text("")]  # no share of the votes
    if seats is not None:
        row.append(Text(""))
    table.add_section()
    table.add_row(*row)
    out: list[RenderableType] = [table]
    if seats is not None:
        winners = [o.id for o in contest.options if seats[o.id] > 0]
        out.append(
            Text(
                word(lang, "winners", names=_names(contest, winners, lang))
                if winners
                else WORDS[lang]["no_winners"]
            )
        )
    excluded = [o for c, o in view.excluded if c == contest.id]
    if excluded:
        out.append(Text(word(lang, "excluded", names=_names(contest, excluded, lang))))
    for c, n in view.unfilled:
        if c == contest.id:
            out.append(Text(word(lang, "unfilled", seats=number(lang, n))))
    for tie in view.ties:
        if tie.contest == contest.id:
            out.append(
                Text(
                    word(
                        lang,
                        "tie",
                        first=number(lang, tie.first_seat),
                        last=number(lang, tie.last_seat),
                        names=_names(contest, tie.options, lang),
                        order=_names(contest, tie.order, lang),
                    )
                )
            )
    return out


def _longest_word(text: str) -> int:
    return max(cell_len(part) for part in text.split())


def _turnout(m: Manifest, view: ResultView, lang: str) -> RenderableType:
    w = WORDS[lang]
    table = Table(title=Text(w["turnout"], style="bold"), title_justify="left")
    table.add_column(Text(w["district"]), no_wrap=True)
    for key in ("counting_ballots", "credentials", "of_credentials", "registered", "of_registered"):
        # A heading may wrap between its words, never inside one.
        table.add_column(Text(w[key]), justify="right", min_width=_longest_word(w[key]))
    labels = {d.id: d.labels.get(lang) for d in m.districts}
    rows = [(label_text(lang, labels[f.district]), f.counting_ballots, f.credentials, f.registered)
            for f in view.districts]  # fmt: skip
    registered = [f.registered for f in view.districts]
    rows.append(
        (
            w["total"],
            sum(f.counting_ballots for f in view.districts),
            sum(f.credentials for f in view.districts),
            None if None in registered else sum(n for n in registered if n is not None),
        )
    )
    for i, (name, counting, credentials, reg) in enumerate(rows):
        table.add_row(
            Text(name, style="bold" if i == len(rows) - 1 else ""),
            Text(number(lang, counting)),
            Text(number(lang, credentials)),
            Text(percent(lang, counting, credentials)),
            Text(w["not_given"] if reg is None else number(lang, reg)),
            Text(w["not_given"] if reg is None else percent(lang, counting, reg)),
            end_section=i == len(rows) - 2,
        )
    return table
