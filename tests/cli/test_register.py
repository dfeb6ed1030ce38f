"""`openballot credentials register`: a voter register in, credentials published, the cards PDF
and the register link out. The cards are read back as a person would (pdftoppm + zbarimg for
the QR code, pdftotext for the words and the code), and their codes are checked against the
published credentials. A bad register is refused whole, naming every bad line, and leaves the
record and the output folder exactly as they were."""

from __future__ import annotations

import csv
import io
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from cli_run import invoke, ok
from openballot.cards import TEXTS
from openballot.cards.register import MAX_ERRORS
from openballot.cli import steps
from openballot.cli.demo import demo_manifest_path
from openballot.cli.record_bulletin import RecordBulletin
from openballot.cli.register import register_voters
from openballot.election.credentials import public_credential
from openballot.errors import OpenBallotError
from printed_cards import page_count, page_qr, page_text, squeeze

BOOTH = "https://vote.example.org/booth/"
HEADER = "voter_id,district,language,name,contact"
ROWS = [
    "S-2,south,ku,Dîlan Şêxo,+963 11 000 0002",
    "N-7,north,ar,ليلى حداد,",
    "N-10,north,en,,post: 7 River Road",
    "S-1,south,ar,,",
    "N-3,north,ku,Azad,",
]
# Cards by district (the manifest's order: north, south), then voter id as text.
ORDER = ["N-10", "N-3", "N-7", "S-1", "S-2"]
CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}")






def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }










@pytest.fixture(scope="module")
def ceremony_done(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A record whose key ceremony is done (3 trustees, threshold 2), credentials not yet."""
    root = tmp_path_factory.mktemp("register")
    record, secrets = root / "record", root / "secrets"
    steps.new_election(record, demo_manifest_path(), 3, 2)
    for i in (1, 2, 3):
        steps.trustee_keygen(record, i, f"Trustee {i}", secrets / f"{i}.secret")
    for i in (1, 2, 3):
        steps.trustee_reveal(record, secrets / f"{i}.secret")
    for i in (1, 2, 3):
        steps.trustee_exchange(record, secrets / f"{i}.secret")
    for i in (1, 2, 3):
        steps.trustee_finish(record, secrets / f"{i}.secret", secrets / f"{i}.share")
    return record


@pytest.fixture
def record(ceremony_done: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "record"
    shutil.copytree(ceremony_done, copy)
    return copy


def write_register(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def register_args(record: Path, register: Path, out: Path) -> list[object]:
    return [
        "credentials",
        "register",
        register,
        "--record",
        record,
        "--cards",
        out / "cards.pdf",
        "--link",
        out / "link.csv",
        "--booth",
        BOOTH,
        "--workers",
        1,
    ]


def test_a_register_becomes_published_credentials_cards_and_a_link(
    record: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    register = write_register(tmp_path / "register.csv", "\ufeff" + "\r\n".join([HEADER, *ROWS]))
    done = ok(*register_args(record, register, out))
    printed = done.stdout.replace("\n", " ")
    assert "5 credentials published (north 3, south 2)" in printed
    cards, link = out / "cards.pdf", out / "link.csv"
    assert sorted(p.name for p in out.iterdir()) == ["cards.pdf", "link.csv"]  # nothing hidden
    assert stat.S_IMODE(cards.stat().st_mode) == 0o600
    assert stat.S_IMODE(link.stat().st_mode) == 0o600
    assert page_count(cards) == len(ROWS)  # exactly one card per voter

    # The link: voter id to serial in card order, and never a code.
    rows = list(csv.reader(io.StringIO(link.read_text())))
    assert rows[0] == ["voter_id", "district", "serial"]
    assert [r[0] for r in rows[1:]] == ORDER
    assert [r[2] for r in rows[1:]] == [f"{i:08d}" for i in range(1, 6)]

    # Open: the fingerprint the record fixes is the one every card carries.
    opened = ok("election", "open", "--record", record)
    lines = opened.stdout.splitlines()
    assert lines[:2] == ["election open", "election fingerprint (publish it whole):"]
    groups = " ".join(lines[2:6]).split()
    assert len(groups) == 32 and all(re.fullmatch(r"[0-9a-f]{4}", g) for g in groups)
    fingerprint = "".join(groups)
    assert fingerprint in printed.replace(" ", "")  # register printed it first
    expected_url = f"{BOOTH}?election=demo-2026&fingerprint={fingerprint}"

    manifest = steps.election_context(record).manifest
    published = steps.election_context(record).credentials
    by_district = {d: {c.data for c in creds} for d, creds in published.districts}
    language = {r.split(",")[0]: r.split(",")[2] for r in ROWS}
    codes = []
    for page, (voter_id, district, serial) in enumerate(rows[1:], 1):
        url = page_qr(cards, page, tmp_path)
        assert url == expected_url
        text = page_text(cards, page)
        (code,) = set(CODE.findall(text))
        codes.append(code)
        assert code.replace("-", "") not in url.upper()
        assert serial in text
        # The card's code is the secret of a credential published in the voter's district.
        assert public_credential("demo-2026", code).data in by_district[district]
        lang = language[voter_id]
        squeezed = squeeze(text)
        for words in (manifest.title.get(lang), TEXTS[lang].heading, TEXTS[lang].revote_heading):
            assert squeeze(words) in squeezed, (lang, words)
        district_label = next(d for d in manifest.districts if d.id == district).labels.get(lang)
        assert squeeze(district_label) in squeezed
    assert len(set(codes)) == 5
    assert not any(
        code in link.read_text() or code.replace("-", "") in link.read_text() for code in codes
    )
    # The Arabic card of N-7 (page 3) reads in logical order: its name, then the heading.
    arabic = squeeze(page_text(cards, 3))
    assert "ليلىحداد" in arabic
    heading, vote = squeeze(TEXTS["ar"].heading), squeeze(TEXTS["ar"].vote_heading)
    assert arabic.index(heading) < arabic.index("ليلىحداد") < arabic.index(vote)

    # A code read off a card votes.
    ok(
        "vote",
        "--record",
        record,
        "--code",
        codes[0],
        "--district",
        "north",
        "--choice",
        "president=amal",
        "--choice",
        "council-north=n1",
        "--choice",
        "referendum=yes",
    )

    # Only once: the credentials are published, and the files exist.
    again = invoke(*register_args(record, register, tmp_path))
    assert again.exit_code == 2 and "already published" in again.stderr, again.output


def test_register_keeps_no_codes(record: Path, tmp_path: Path) -> None:
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    args = [*register_args(record, register, tmp_path), "--keep-codes", tmp_path / "codes.json"]
    result = invoke(*args)
    assert result.exit_code == 2 and "--keep-codes" in result.output
    assert not (tmp_path / "codes.json").exists() and not (record / "credentials.json").exists()


def many_bad_rows(n: int) -> str:
    return "\n".join([HEADER, *(f"V{i},west,en,," for i in range(n))])


# A register, the words its one-line error must hold.
BAD: dict[str, tuple[str | bytes, tuple[str, ...]]] = {
    "duplicate voter id": (
        f"{HEADER}\nA1,north,en,,\nA2,south,ar,,\nA1,south,ku,,\n",
        ("line 4: voter_id 'A1' is also on line 2",),
    ),
    "a repeated id on a line with another problem": (
        f"{HEADER}\nA1,north,en,,\nA1,west,en,,\n",
        ("line 3: unknown district 'west'", "line 3: voter_id 'A1' is also on line 2"),
    ),
    "unknown district": (f"{HEADER}\nA1,west,en,,\n", ("line 2: unknown district 'west'",)),
    "unknown language": (f"{HEADER}\nA1,north,fr,,\n", ("line 2: unknown language 'fr'",)),
    "language not lower case": (f"{HEADER}\nA1,north,AR,,\n", ("line 2: unknown language",)),
    "empty voter id": (f"{HEADER}\nA1,north,en,,\n,south,en,,\n", ("line 3: voter_id is empty",)),
    "empty district": (f"{HEADER}\nA1,,en,,\n", ("line 2: district is empty",)),
    "too few columns": (f"{HEADER}\nA1,north,en\n", ("line 2: expected 5 columns, found 3",)),
    "too many columns": (
        "voter_id,district,language\nA1,north,en,x\n",
        ("line 2: expected 3 columns, found 4",),
    ),
    "bad UTF-8": (
        f"{HEADER}\nA1,north,en,,\n".encode() + b"A2,north,en,Lay\xe9la,\n",
        ("line 3: not UTF-8",),
    ),
    "no header": (
        "A1,north,en\nA2,south,ar\n",
        ("line 1: unknown column 'A1'", "line 1: missing column 'voter_id'"),
    ),
    "a header missing a column": (
        "voter_id,language\nA1,en\n",
        ("line 1: missing column 'district'",),
    ),
    "a column twice": (
        "voter_id,district,language,name,name\nA1,north,en,a,b\n",
        ("line 1: column 'name' appears twice",),
    ),
    "an empty file": ("", ("line 1: no header row",)),
    "a header and no voter": (f"{HEADER}\n", ("no voters",)),
    "a voter id that a spreadsheet runs": (f"{HEADER}\n=cmd(),north,en,,\n", ("line 2: voter_id",)),
    "a name with a direction override": (
        f"{HEADER}\nA1,north,en,Ali\u202eyleH,\n",
        ("line 2: name: contains the control character U+202E",),
    ),
    "a name too long for a card": (f"{HEADER}\nA1,north,en,{'x' * 61},\n", ("line 2: name",)),
    "a quote never closed": (f'{HEADER}\nA1,north,en,"Ali,\nA2,north,en,,\n', ("line 2: not CSV",)),
    "every error, not the first": (
        f"{HEADER}\nA1,west,en,,\nA2,north,en,,\nA3,north,xx,,\n",
        ("2 problems", "line 2: unknown district", "line 4: unknown language"),
    ),
    "errors beyond the cap are counted": (
        many_bad_rows(MAX_ERRORS + 7),
        (f"{MAX_ERRORS + 7} problems", "; and 7 more"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_register_is_refused_whole_and_changes_nothing(
    case: str, record: Path, tmp_path: Path
) -> None:
    text, words = BAD[case]
    register = write_register(tmp_path / "register.csv", text)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(record)
    result = invoke(*register_args(record, register, out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "register refused" in lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert snapshot(record) == before  # nothing published
    assert list(out.iterdir()) == []  # no cards, no link, no hidden file


def test_a_register_before_the_trustees_keys_is_refused(tmp_path: Path) -> None:
    record = tmp_path / "record"
    steps.new_election(record, demo_manifest_path(), 3, 2)
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    before = snapshot(record)
    result = invoke(*register_args(record, register, tmp_path))
    assert result.exit_code == 2 and "no trustee public keys" in result.stderr
    assert snapshot(record) == before and not (tmp_path / "cards.pdf").exists()


@pytest.mark.parametrize("existing", ["cards.pdf", "link.csv"])
def test_existing_output_files_are_never_overwritten(
    existing: str, record: Path, tmp_path: Path
) -> None:
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    (tmp_path / existing).write_text("kept")
    before = snapshot(record)
    result = invoke(*register_args(record, register, tmp_path))
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert (tmp_path / existing).read_text() == "kept" and snapshot(record) == before


def test_a_bad_booth_address_is_refused_before_anything(record: Path, tmp_path: Path) -> None:
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    args = register_args(record, register, tmp_path)
    args[args.index(BOOTH)] = "ftp://vote.example.org/booth/"
    before = snapshot(record)
    result = invoke(*args)
    assert result.exit_code == 2 and "https://" in result.stderr
    assert snapshot(record) == before


class FailingBulletin(RecordBulletin):
    """A record whose publishing of credentials fails; `taken`: whether it took them."""

    def __init__(self, root: Path, taken: bool) -> None:
        super().__init__(root)
        self.taken = taken

    def post_credentials(self, credentials: Any) -> None:
        if self.taken:
            super().post_credentials(credentials)
        raise OpenBallotError("the board did not answer")


def test_a_failed_publish_leaves_nothing_behind(record: Path, tmp_path: Path) -> None:
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(record)
    with pytest.raises(OpenBallotError, match="did not answer"):
        register_voters(
            FailingBulletin(record, taken=False),
            register,
            out / "c.pdf",
            out / "l.csv",
            BOOTH,
            workers=1,
        )
    assert snapshot(record) == before and list(out.iterdir()) == []


def test_a_publish_that_may_have_been_taken_keeps_the_cards(record: Path, tmp_path: Path) -> None:
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OpenBallotError) as failed:
        register_voters(
            FailingBulletin(record, taken=True),
            register,
            out / "c.pdf",
            out / "l.csv",
            BOOTH,
            workers=1,
        )
    message = str(failed.value)
    kept = sorted(out.iterdir())
    assert [p.name.endswith(".pending") for p in kept] == [True, True]
    assert all(str(p) in message for p in kept)
    assert "north=3, south=2" in message and "rename them" in message
    assert page_count(next(p for p in kept if ".c.pdf." in p.name)) == len(ROWS)


def test_a_failed_layout_publishes_nothing(record: Path, tmp_path: Path) -> None:
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *ROWS]))
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(record)
    with pytest.raises(OpenBallotError, match="fonts"):
        register_voters(
            RecordBulletin(record),
            register,
            out / "c.pdf",
            out / "l.csv",
            BOOTH,
            workers=1,
            font_dirs=[tmp_path / "no-fonts"],
        )
    assert snapshot(record) == before and list(out.iterdir()) == []


def test_the_card_order_does_not_follow_the_public_list(record: Path, tmp_path: Path) -> None:
    """Cards are sorted by voter id; the published list by credential: over 40 voters of one
    district, the two orders are unrelated (the chance of equality is 1/40!)."""
    rows = [f"V{i:03d},north,en,," for i in range(40)]
    register = write_register(tmp_path / "register.csv", "\n".join([HEADER, *rows]))
    done = register_voters(
        RecordBulletin(record), register, tmp_path / "c.pdf", tmp_path / "l.csv", BOOTH, workers=1
    )
    assert done.voters == 40
    codes = [CODE.findall(page_text(done.cards, p))[0] for p in range(1, 41)]
    cards_order = [public_credential("demo-2026", c).data for c in codes]
    steps.open_election(record)
    published = dict(steps.election_context(record).credentials.districts)["north"]
    assert sorted(cards_order) == [c.data for c in published]
    assert cards_order != [c.data for c in published]
