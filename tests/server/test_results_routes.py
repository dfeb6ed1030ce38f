"""The results page's endpoints: ballots recorded per district over time (incremental, dated
by signed tree heads), the record as one zip that the verifier accepts, and the page's files."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from openballot.board.store import BoardStore
from openballot.server import activity as activity_module
from openballot.server.activity import ActivityIndex
from openballot.verify.verifier import verify_record


def activity(e: Any, **params: Any) -> dict[str, Any]:
    r = e.client.get(e.path("/activity"), params=params)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def per_district(answer: dict[str, Any]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for bucket in answer["buckets"]:
        total.update(bucket["cast"])
    return {d: total[d] for d in answer["districts"]}


def test_activity_counts_cast_ballots_per_district_as_they_come(sqlite_election: Any) -> None:
    e = sqlite_election
    before = activity(e)
    assert before["districts"] == ["north", "south"]
    assert before["buckets"] == [] and before["bucket_seconds"] == 600
    districts = [d for d, _ in e.voters]
    for voter in (0, 1, districts.index("south")):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    ballot, opening = e.ceremony.ballot(2)
    assert e.audit(ballot, opening).status_code == 201  # an audit is not a recorded vote
    answer = activity(e, bucket=60)
    assert per_district(answer) == {"north": 2, "south": 1}
    head = e.client.get(e.path("/board/tree-head")).json()
    assert answer["size"] == head["size"]
    # Each bucket starts at a whole minute no later than the head that covered its ballots.
    assert all(
        b["start"] % 60_000 == 0 and b["start"] <= head["timestamp"] for b in answer["buckets"]
    )

    assert e.cast(e.ceremony.ballot(0)[0]).status_code == 201  # a re-vote is recorded too
    assert per_district(activity(e, bucket=3600)) == {"north": 3, "south": 1}
    e.finish()
    after = activity(e)
    assert per_district(after) == {"north": 3, "south": 1}
    assert after["size"] == e.client.get(e.path("/board/tree-head")).json()["size"]


def test_activity_reads_each_leaf_once(sqlite_election: Any, monkeypatch: Any) -> None:
    """The index reads only the leaves appended since its last answer, in bounded chunks."""
    e = sqlite_election
    store: BoardStore = e.board.store
    read: list[tuple[int, int | None]] = []
    entries = store.entries

    def counting(election_id: str, start: int = 0, end: int | None = None, **kw: Any) -> Any:
        read.append((start, end))
        return entries(election_id, start, end, **kw)

    monkeypatch.setattr(store, "entries", counting)
    monkeypatch.setattr(activity_module, "CHUNK", 3)
    index = ActivityIndex(store, e.election_id, ("north", "south"))
    size = index.activity(60).size
    assert read and read[0][0] == 0 and all(end is not None and end - s <= 3 for s, end in read)
    assert [s for s, _ in read] == list(range(0, size, 3))
    read.clear()
    assert index.activity(60).size == size and read == []  # nothing new: nothing read
    assert e.cast(e.ceremony.ballot(0)[0]).status_code == 201
    assert per_district(index.activity(120).to_json()) == {"north": 1, "south": 0}
    assert read == [(size, size + 1)]


def test_activity_catches_up_over_several_requests(sqlite_election: Any, monkeypatch: Any) -> None:
    """After a restart no request reads more than PER_REQUEST leaves: `size` says how far."""
    e = sqlite_election
    for voter in (0, 1, 4):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    end = e.client.get(e.path("/board/tree-head")).json()["size"]
    monkeypatch.setattr(activity_module, "PER_REQUEST", 5)
    index = ActivityIndex(e.board.store, e.election_id, ("north", "south"))
    sizes = []
    while not sizes or sizes[-1] < end:
        sizes.append(index.activity(60).size)
    assert sizes == [*range(5, end, 5), end]
    assert per_district(index.activity(60).to_json()) == {"north": 2, "south": 1}


@pytest.mark.parametrize(
    ("bucket", "words"),
    [
        ("90", ("whole number of minutes", "90")),
        ("30", ("bucket",)),
        ("86460", ("bucket",)),
        ("ten", ("bucket",)),
    ],
)
def test_activity_refuses_a_bad_bucket(
    sqlite_election: Any, kit: Any, bucket: str, words: tuple[str, ...]
) -> None:
    e = sqlite_election
    kit.is_problem(e.client.get(e.path("/activity"), params={"bucket": bucket}), 400, *words)


def test_unknown_election(sqlite_election: Any, kit: Any) -> None:
    c = sqlite_election.client
    kit.is_problem(c.get("/api/elections/nope/activity"), 404, "no election 'nope'")
    kit.is_problem(c.get("/api/elections/nope/record.zip"), 404, "no election 'nope'")


def test_the_record_download_verifies(sqlite_election: Any, tmp_path: Path) -> None:
    e = sqlite_election
    for voter in (0, 1, 4):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    e.finish()
    r = e.client.get(e.path("/record.zip"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    size = e.client.get(e.path("/board/tree-head")).json()["size"]
    name = f"{e.election_id}-record-{size}.zip"
    assert name in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert {n.split("/")[0] for n in z.namelist()} == {f"{e.election_id}-record"}
        z.extractall(tmp_path)
    report = verify_record(tmp_path / f"{e.election_id}-record", 1)
    assert report.ok, [str(f) for f in report.findings]
    again = e.client.get(e.path("/record.zip"))  # the same size: the same archive
    assert again.content == r.content


def test_the_record_download_follows_the_log(sqlite_election: Any) -> None:
    """While voting is open, each download is the record at the latest signed tree head."""
    e = sqlite_election
    first = e.client.get(e.path("/record.zip"))
    assert e.cast(e.ceremony.ballot(0)[0]).status_code == 201
    second = e.client.get(e.path("/record.zip"))
    assert first.status_code == second.status_code == 200

    def ballots(content: bytes) -> int:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            log = z.read(f"{e.election_id}-record/ballots.jsonl")
        return len(log.splitlines())

    assert (ballots(first.content), ballots(second.content)) == (0, 1)


def test_the_page_and_its_files(sqlite_election: Any, tmp_path: Path, kit: Any) -> None:
    """/results/ serves the page, its style sheet and built script from the web folder, and
    nothing else from it; /results redirects keeping the query."""
    from fastapi.testclient import TestClient

    from openballot.server.app import create_app

    web = tmp_path / "web"
    for name, text in {
        "index.html": "<!doctype html><title>x</title>",
        "booth.css": "",
        "results/index.html": '<html data-api="/api">results</html>',
        "dist/results.css": "main {}",
        "dist/results.js": "export {};",
        "results/secret.txt": "not served",
    }.items():
        (web / name).parent.mkdir(parents=True, exist_ok=True)
        (web / name).write_text(text)
    client = TestClient(create_app(sqlite_election.board, "token", booth_dir=web))
    page = client.get("/results/?election=x")
    assert page.status_code == 200 and "results" in page.text
    assert page.headers["content-type"].startswith("text/html")
    css = client.get("/results/results.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    js = client.get("/results/results.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    for other in ("secret.txt", "index.html", "booth.js"):
        kit.is_problem(client.get(f"/results/{other}"), 404, "no file")
    kit.is_problem(client.get("/results/..%2Fbooth.css"), 404)
    moved = client.get("/results?election=demo&lang=ar", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "/results/?election=demo&lang=ar"


def test_without_a_web_folder_there_is_no_page(sqlite_election: Any) -> None:
    assert sqlite_election.client.get("/results/").status_code == 404
    assert sqlite_election.client.get(sqlite_election.path("/activity")).status_code == 200


def test_activity_on_each_storage_backend(election_on_board: Any) -> None:
    """The index reads the store through SQLAlchemy alone: SQLite and PostgreSQL alike."""
    e = election_on_board
    for voter in (0, 4, 5):
        assert e.cast(e.ceremony.ballot(voter)[0]).status_code == 201
    answer = activity(e, bucket=120)
    assert per_district(answer) == {"north": 1, "south": 2}
    assert answer["size"] == e.client.get(e.path("/board/tree-head")).json()["size"]
