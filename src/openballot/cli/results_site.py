"""The results page as static files next to an exported record, for a mirror to publish
(`openballot results RECORD --html DIR`; docs/results.md).

The page is the one `openballot serve` serves at /results/ (web/results/index.html, the built
web/dist/results.css and web/dist/results.js); its root element says `data-static="data"`, so
that it reads the files of data/ instead of the board's API:

- data/election.json: `{"election", "state", "manifest", "fingerprint"}`, the fields of the
  API's GET /api/elections/{id} the page reads;
- data/board.json, data/result.json: the record's files, as they are;
- data/tree-head.json: the last line of the record's tree-heads.jsonl;
- record.zip: the record itself, zipped (the page's download link).

Nothing is checked here: the copy shows the record as it is, and says so on the page. A
mirror verifies the record (`openballot verify`) before it publishes it; the page still
checks the board's signature on the tree head in the reader's browser.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Final

from openballot.errors import OpenBallotError
from openballot.jsonfields import get_str, obj
from openballot.record.archive import zip_record
from openballot.record.files import read_json, write_json
from openballot.record.layout import RecordLayout

__all__ = ["PAGE_ASSETS", "STATIC_MARKER", "write_results_site", "default_web_dir"]

#: The page's files in the web folder, and their names in the site.
PAGE_ASSETS: Final = {
    "results/index.html": "index.html",
    "dist/results.css": "results.css",
    "dist/results.js": "results.js",
}
#: What the served page says on its root element, and what the static copy says instead.
API_MARKER: Final = 'data-api="/api"'
STATIC_MARKER: Final = 'data-static="data"'


def default_web_dir() -> Path:
    """web/ of a source checkout, where the page is built (`cd web && npm run build`)."""
    return Path(__file__).resolve().parents[3] / "web"


def _state(layout: RecordLayout) -> str:
    """The election's phase as the record shows it, named as the API's `state`."""
    for path, state in (
        (layout.result, "decrypted"),
        (layout.tally, "closed"),
        (layout.election, "open"),
    ):
        if path.is_file():
            return state
    return "setup"


def _last_line(path: Path) -> bytes:
    last = b""
    with open(path, "rb") as f:
        for line in f:
            if line.strip():
                last = line
    if not last:
        raise OpenBallotError(f"{path}: no signed tree head in the record")
    return last


def write_results_site(record_dir: Path, out_dir: Path, web_dir: Path | None = None) -> Path:
    """Write the results page of the exported record at `record_dir` into `out_dir` (created
    if needed; the files it writes are replaced); returns the page's index.html. `web_dir`:
    the built web folder (default: this checkout's web/)."""
    web = web_dir or default_web_dir()
    missing = [name for name in PAGE_ASSETS if not (web / name).is_file()]
    if missing:
        raise OpenBallotError(
            f"the results page is not built: {web / missing[0]} is missing "
            "(run `npm ci && npm run build` in web/)"
        )
    if out_dir.resolve().is_relative_to(record_dir.resolve()):
        raise OpenBallotError(
            f"{out_dir}: the site goes next to the record, not inside it ({record_dir})"
        )
    layout = RecordLayout(record_dir)
    for needed in (layout.manifest, layout.board, layout.tree_heads):
        if not needed.is_file():
            raise OpenBallotError(
                f"{record_dir}: not a record exported from a board ({layout.name(needed)} "
                "is missing)"
            )
    manifest = read_json(layout.manifest)
    election: dict[str, Any] = {
        "election": get_str(obj(manifest, "manifest.json"), "election_id", "manifest.json"),
        "state": _state(layout),
        "manifest": manifest,
    }
    if layout.election.is_file():
        summary = obj(read_json(layout.election), "election.json")
        election["fingerprint"] = get_str(summary, "fingerprint", "election.json")

    out_dir.mkdir(parents=True, exist_ok=True)
    data = out_dir / "data"
    data.mkdir(exist_ok=True)
    write_json(data / "election.json", election)
    write_json(data / "board.json", read_json(layout.board))
    (data / "tree-head.json").write_bytes(_last_line(layout.tree_heads).strip() + b"\n")
    stale = data / "result.json"
    if layout.result.is_file():
        write_json(stale, read_json(layout.result))
    elif stale.exists():
        stale.unlink()
    zip_record(record_dir, out_dir / "record.zip")

    for source, name in PAGE_ASSETS.items():
        if name != "index.html":
            shutil.copyfile(web / source, out_dir / name)
    page = (web / "results/index.html").read_text(encoding="utf-8")
    if page.count(API_MARKER) != 1:
        raise OpenBallotError(f"{web / 'results/index.html'}: expected one {API_MARKER}")
    index = out_dir / "index.html"
    index.write_text(page.replace(API_MARKER, STATIC_MARKER), encoding="utf-8")
    return index
