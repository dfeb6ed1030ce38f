"""The credential authority's register step: a voter register in, public credentials published,
the voting cards and the register link out (docs/cards.md). Written once against a `Bulletin`,
so `credentials register` (a record) and `board credentials register` (a board) run the same.

The order is chosen so that a failure leaves nothing half made. The election fingerprint that
each card carries hashes the trustees' keys and the credential list (election/context.py), so
it is known as soon as the codes are made, before anything is published: the cards are laid
out first, into hidden files beside their final names, then the credentials are published, and
only once they are accepted do the files take their names. A failure before or during
publishing deletes the hidden files: nothing was published, nothing is left, run it again.
Codes are kept nowhere but on the cards (no codes file: threat-model.md).
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openballot.cards import LANGUAGES, VotingCard, booth_link, write_cards
from openballot.cards.register import Voter, read_register
from openballot.cards.typeset import DEBIAN_FONT_DIRS, fingerprint_lines
from openballot.cli.bulletin import Bulletin
from openballot.cli.private_files import refuse_existing
from openballot.cli.roles import revealed_keys
from openballot.crypto.group import Element
from openballot.election.context import ElectionContext
from openballot.election.credentials import CredentialList, new_code, public_credential
from openballot.election.manifest import Manifest
from openballot.errors import ProtocolError, RecordError
from openballot.record.files import fsync_directory

__all__ = [
    "LINK_COLUMNS",
    "Registered",
    "card_order",
    "register_voters",
    "registered_lines",
    "serial",
]

#: The register link's header: voter id, home district, card serial. Never a code.
LINK_COLUMNS = ("voter_id", "district", "serial")


def serial(page: int) -> str:
    """A card's serial: its page in the PDF, 8 digits (enough for 99,999,999 voters)."""
    return f"{page:08d}"


@dataclass(frozen=True, slots=True)
class Registered:
    """What the step did: voters per district, the fingerprint on the cards, the files."""

    counts: dict[str, int]
    fingerprint: bytes
    cards: Path
    link: Path

    @property
    def voters(self) -> int:
        return sum(self.counts.values())


def card_order(manifest: Manifest, voters: Sequence[Voter]) -> list[Voter]:
    """The order of the cards: by district (the manifest's order), then by voter id (as
    text). Mailing goes district by district; the order owes nothing to the codes, and the
    public list is sorted by credential, so neither order tells whose credential is whose."""
    rank = {d: i for i, d in enumerate(manifest.district_ids())}
    return sorted(voters, key=lambda v: (rank[v.district], v.voter_id))


def _cards(
    manifest: Manifest, voters: Sequence[Voter], codes: Sequence[str], url: str, fp: str
) -> Iterator[VotingCard]:
    labels = {d.id: d.labels for d in manifest.districts}
    for page, (voter, code) in enumerate(zip(voters, codes, strict=True), 1):
        lang = voter.language
        yield VotingCard(
            serial(page),
            lang,
            manifest.title.get(lang),
            labels[voter.district].get(lang),
            code,
            url,
            fp,
            voter.name,
        )


def _check_printable(manifest: Manifest, booth: str) -> None:
    """Build a card for every district in every language now, with a made-up code and
    fingerprint: a title or a label too long for a card, or a bad booth address, is refused
    before any code is made (the voters' names were checked with the register)."""
    fp = "0" * 128
    url = booth_link(booth, manifest.election_id, fp)
    for district in manifest.districts:
        for lang in LANGUAGES:
            VotingCard(
                serial(1),
                lang,
                manifest.title.get(lang),
                district.labels.get(lang),
                new_code(),
                url,
                fp,
            )


def _pending(final: Path) -> Path:
    """A new hidden file (0600) beside `final`: made now, so an unwritable place is found
    before any work."""
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".pending")
    os.close(fd)
    return Path(name)


def _write_link(path: Path, voters: Sequence[Voter]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        rows = csv.writer(f, lineterminator="\n")
        rows.writerow(LINK_COLUMNS)
        rows.writerows((v.voter_id, v.district, serial(i)) for i, v in enumerate(voters, 1))
        f.flush()
        os.fsync(f.fileno())


def _maybe_taken(bulletin: Bulletin[object]) -> bool:
    """After a failed post: whether a credential list is published now (or that cannot be
    told, as when the board stopped answering)."""
    try:
        return bulletin.credentials_published()
    except Exception:  # noqa: BLE001 - cannot tell: the caller keeps the cards
        return True


def _ambiguous(
    error: BaseException, credentials: CredentialList, kept: list[Path]
) -> ProtocolError:
    counts = ", ".join(f"{d}={n}" for d, n in credentials.counts().items())
    return ProtocolError(
        f"publishing the credentials failed ({error}), yet a credential list is published "
        f"now, perhaps this one: the cards and the link are kept in "
        f"{' and '.join(map(str, kept))}. If the published counts are this register's "
        f"({counts}) and `open` prints the fingerprint on the cards, rename them and hand the "
        "cards out; otherwise delete them (docs/cards.md, recovery)"
    )


def _move_into_place(pending: Path, final: Path) -> None:
    os.link(pending, final)  # unlike a rename, never replaces a file made meanwhile
    pending.unlink()


def register_voters(
    bulletin: Bulletin[object],
    register: Path,
    cards: Path,
    link: Path,
    booth: str,
    *,
    workers: int | None = None,
    font_dirs: Sequence[Path] = DEBIAN_FONT_DIRS,
) -> Registered:
    """Read the register (refused whole on any bad line), make one code per voter, lay the
    cards out, publish the public credentials, then give the cards and the link their names."""
    for path, what in ((cards, "cards file"), (link, "register link")):
        refuse_existing(path, what)
    if cards.resolve() == link.resolve():
        raise ProtocolError(f"{cards}: the cards and the register link need two files")
    p = bulletin.parameters()
    manifest = p.manifest
    voters = card_order(manifest, read_register(register, manifest.district_ids()))
    if bulletin.credentials_published():
        raise ProtocolError("credentials were already published")
    keys = revealed_keys(bulletin, p)
    _check_printable(manifest, booth)

    # Codes in card order; the public list is sorted per district, so it does not keep it.
    codes = [new_code() for _ in voters]
    by_district: dict[str, list[Element]] = {d: [] for d in manifest.district_ids()}
    for voter, code in zip(voters, codes, strict=True):
        by_district[voter.district].append(public_credential(manifest.election_id, code))
    credentials = CredentialList.of(by_district)
    fingerprint = ElectionContext.create(manifest, p.threshold, keys, credentials).fingerprint
    fp = fingerprint.hex()
    url = booth_link(booth, manifest.election_id, fp)

    pending = [_pending(cards), _pending(link)]
    keep = False  # the hidden files are deleted unless the credentials may be published
    try:
        write_cards(
            _cards(manifest, voters, codes, url, fp),
            pending[0],
            workers=workers,
            font_dirs=font_dirs,
        )
        del codes  # the cards hold them now, and nothing else will
        _write_link(pending[1], voters)
        try:
            bulletin.post_credentials(credentials)
        except BaseException as error:
            keep = _maybe_taken(bulletin)
            if keep:
                raise _ambiguous(error, credentials, pending) from None
            raise
        keep = True
    finally:
        if not keep:
            for path in pending:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
    moved: list[Path] = []
    try:
        for hidden, final in zip(pending, (cards, link), strict=True):
            _move_into_place(hidden, final)
            moved.append(final)
    except OSError as error:
        left = [
            f"{hidden} to {final}"
            for hidden, final in zip(pending, (cards, link), strict=True)
            if final not in moved
        ]
        raise RecordError(
            f"the credentials are published, but {error.filename or ''}: {error.strerror}; "
            f"the files are complete: rename {' and '.join(left)} yourself (docs/cards.md, "
            "recovery)"
        ) from None
    fsync_directory(cards.parent)
    fsync_directory(link.parent)
    return Registered(credentials.counts(), fingerprint, cards, link)


def registered_lines(done: Registered) -> list[str]:
    """What the command prints: counts, files, and the fingerprint the cards carry (which
    `open` must print again: fingerprint_lines groups it as the cards do)."""
    counts = ", ".join(f"{d} {n}" for d, n in done.counts.items())
    return [
        f"{done.voters} credentials published ({counts})",
        f"{done.voters} voting cards in {done.cards} (one a page; it holds the codes: "
        "print it, hand the cards out, then destroy it)",
        f"register link (voter id to card serial) in {done.link}",
        "election fingerprint on the cards (`open` must print the same):",
        *fingerprint_lines(done.fingerprint.hex()),
    ]
