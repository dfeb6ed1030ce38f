"""A record directory as one zip file, for a download: the board's /record.zip and the
static results site write the same archive (the record's files under one folder)."""

from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["zip_record"]


def zip_record(root: Path, path: Path) -> None:
    """Write the files of the record at `root` into the zip `path`, under the folder
    `root.name`, in sorted order (the same record gives the same list of entries). The zip is
    written beside `path` and renamed into place: a reader never sees half of it."""
    partial = path.with_name(f".{path.name}.partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            z.write(file, (Path(root.name) / file.relative_to(root)).as_posix())
    partial.replace(path)
