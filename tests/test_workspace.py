"""The review workspace on disk: layout, imports, manifest, provenance, status, crash safety."""

from __future__ import annotations

import builtins
import io
import json
import os
import shutil
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import cen_search.workspace.core as workspace_module
from cen_search.errors import FileFormatError, InputError, UsageError, WorkspaceError
from cen_search.workspace import ImportEntry, Workspace

pytest.importorskip("cen_search.formats.ris")

DATA = Path(__file__).parent / "data" / "foundation"


@pytest.fixture(autouse=True)
def no_outside_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user config file and no CEN_SEARCH_* settings from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith("CEN_SEARCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return Workspace.init(tmp_path / "review", title="CEN review", contact_email="me@example.org")


@pytest.fixture()
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    shutil.copytree(DATA, folder)
    return folder


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != "lock"
    }


# -- init and find ------------------------------------------------------------------------


def test_init_creates_the_documented_layout(ws: Workspace) -> None:
    root = ws.root
    for folder in ("strategies", "imports", "runs", "dedupe", ".cen-search"):
        assert (root / folder).is_dir(), folder
    assert (root / "imports" / "manifest.jsonl").read_bytes() == b""
    assert (root / ".cen-search" / ".gitignore").read_text().splitlines()[-1] == "*"
    config = tomllib.loads((root / "cen-search.toml").read_text(encoding="utf-8"))
    assert config["title"] == "CEN review"
    assert config["contact_email"] == "me@example.org"
    events = ws.events()
    assert [e["event"] for e in events] == ["init"]
    assert "me@example.org" not in ws.log_path.read_text()


def test_log_never_holds_the_contact_email_or_api_keys(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEN_SEARCH_NCBI_API_KEY", "ncbi-secret-key-4321")
    ws = Workspace(ws.root)  # settings are read once per Workspace
    ws.log(
        "search", query="x", url="https://eutils/?api_key=ncbi-secret-key-4321&email=me@example.org"
    )
    text = ws.log_path.read_text()
    assert "ncbi-secret-key-4321" not in text and "me@example.org" not in text
    assert ws.events()[-1]["url"] == "https://eutils/?api_key=****4321&email=m***@example.org"


def test_init_defaults_the_title_to_the_folder_name(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "my-review")
    assert ws.settings.title == "my-review"


def test_init_keeps_files_already_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    Workspace.init(folder, title="T")
    assert (folder / "notes.md").read_text() == "mine"


def test_init_refuses_an_existing_review_and_changes_nothing(ws: Workspace) -> None:
    before = files_under(ws.root)
    with pytest.raises(WorkspaceError, match="already a cen-search review"):
        Workspace.init(ws.root, title="Other")
    assert files_under(ws.root) == before


def test_init_refuses_a_review_inside_a_review(ws: Workspace) -> None:
    with pytest.raises(WorkspaceError, match="inside the review"):
        Workspace.init(ws.root / "runs" / "nested")


def test_init_refuses_a_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(WorkspaceError, match="not a folder"):
        Workspace.init(target)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"contact_email": "nobody"}, "e-mail"),
        ({"date_from": "01/01/2003"}, "YYYY-MM-DD"),
        ({"date_from": "2020", "date_to": "2019"}, "reversed"),
    ],
)
def test_init_refuses_bad_values_before_writing(
    tmp_path: Path, options: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        Workspace.init(tmp_path / "r", **options)
    assert not (tmp_path / "r" / "cen-search.toml").exists()


def test_find_walks_up_from_a_subfolder(ws: Workspace) -> None:
    assert Workspace.find(ws.root / "imports").root == ws.root
    assert Workspace.find(ws.manifest_path).root == ws.root


def test_find_outside_a_review_says_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as caught:
        Workspace.find(tmp_path)
    assert "cen-search init" in caught.value.hint


def test_find_optional_is_none_outside_a_review(ws: Workspace, tmp_path: Path) -> None:
    assert Workspace.find_optional(tmp_path) is None
    found = Workspace.find_optional(ws.root / "imports")
    assert found is not None and found.root == ws.root


# -- import -------------------------------------------------------------------------------


def test_import_copies_the_export_byte_for_byte_with_its_metadata(
    ws: Workspace, exports: Path
) -> None:
    outcome = ws.import_file(
        exports / "medline-two.ris", database="MEDLINE", platform="Ovid", searched="2024-03-01"
    )
    entry = outcome.entry
    assert not outcome.already_imported
    assert entry.file == "imports/medline/2024-03-01_medline-two.ris"
    assert (ws.root / entry.file).read_bytes() == (exports / "medline-two.ris").read_bytes()
    assert (entry.records, entry.skipped, entry.format) == (2, 0, "ris")
    assert (entry.database, entry.platform, entry.searched) == ("MEDLINE", "Ovid", "2024-03-01")
    assert entry.original_name == "medline-two.ris"
    assert entry.size == (exports / "medline-two.ris").stat().st_size
    line = json.loads(ws.manifest_path.read_text().splitlines()[0])
    assert line["sha256"] == entry.sha256 and line["id"] == entry.sha256[:12]
    assert ws.imports() == [entry]
    assert [e["event"] for e in ws.events()] == ["init", "import"]


def test_importing_the_same_file_twice_changes_nothing_and_says_so(
    ws: Workspace, exports: Path
) -> None:
    first = ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    before = files_under(ws.root)
    again = ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    assert again.already_imported
    assert again.entry == first.entry
    assert files_under(ws.root) == before


def test_a_renamed_copy_of_an_imported_file_is_still_already_imported(
    ws: Workspace, exports: Path
) -> None:
    ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    renamed = exports / "renamed.ris"
    shutil.copy(exports / "medline-two.ris", renamed)
    again = ws.import_file(renamed, database="Embase")
    assert again.already_imported
    assert again.entry.database == "MEDLINE"
    assert again.notes == ("it was imported with database 'MEDLINE'; the manifest keeps that",)


def test_same_name_with_different_content_gets_a_distinct_name(
    ws: Workspace, exports: Path, tmp_path: Path
) -> None:
    first = ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    other = tmp_path / "other" / "medline-two.ris"
    other.parent.mkdir()
    shutil.copy(exports / "embase-one.ris", other)
    second = ws.import_file(other, database="MEDLINE")
    assert first.entry.file == "imports/medline/medline-two.ris"
    assert second.entry.file == "imports/medline/medline-two-2.ris"
    assert (ws.root / first.entry.file).read_bytes() == (exports / "medline-two.ris").read_bytes()


def test_database_spelled_differently_uses_the_earlier_spelling(
    ws: Workspace, exports: Path
) -> None:
    ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    outcome = ws.import_file(exports / "embase-one.ris", database="medline")
    assert outcome.entry.database == "MEDLINE"
    assert outcome.notes


def test_a_file_with_no_readable_record_is_refused_with_reasons(
    ws: Workspace, exports: Path
) -> None:
    pytest.importorskip("cen_search.formats.bibtex")
    before = files_under(ws.root)
    with pytest.raises(FileFormatError) as caught:
        ws.import_file(exports / "broken.bib", database="Scopus")
    assert "broken.bib" in caught.value.message
    assert "no records could be read" in caught.value.message
    assert "broken.bib:1" in caught.value.message  # the reason, with its position
    assert files_under(ws.root) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.ris", "no such file"), ("", "is a folder"), ("empty.ris", "is empty")],
)
def test_unusable_paths_are_refused_naming_the_file(
    ws: Workspace, exports: Path, name: str, message: str
) -> None:
    (exports / "empty.ris").write_bytes(b"")
    with pytest.raises(InputError, match=message):
        ws.import_file(exports / name, database="MEDLINE")
    assert ws.imports() == []


def test_unknown_format_is_refused(ws: Workspace, exports: Path) -> None:
    with pytest.raises(FileFormatError, match=r"notes\.txt"):
        ws.import_file(exports / "notes.txt", database="MEDLINE")


@pytest.mark.parametrize(
    ("database", "searched", "message"),
    [
        ("", "", "--database"),
        ("  ", "", "--database"),
        ("MEDLINE", "01/03/2024", "YYYY-MM-DD"),
        ("MEDLINE", "2024-02-30", "not a real date"),
        ("MEDLINE", "2999-01-01", "in the future"),
    ],
)
def test_bad_import_options_are_usage_errors(
    ws: Workspace, exports: Path, database: str, searched: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        ws.import_file(exports / "medline-two.ris", database=database, searched=searched)
    assert ws.imports() == []


def test_strategy_is_recorded_by_path_or_name(ws: Workspace, exports: Path) -> None:
    (ws.strategies_dir / "medline-ovid.txt").write_text("1 exp Personality Disorders/\n")
    by_name = ws.import_file(
        exports / "medline-two.ris", database="MEDLINE", strategy="medline-ovid"
    )
    assert by_name.entry.strategy == "strategies/medline-ovid.txt"
    by_path = ws.import_file(
        exports / "embase-one.ris",
        database="Embase",
        strategy=ws.strategies_dir / "medline-ovid.txt",
    )
    assert by_path.entry.strategy == "strategies/medline-ovid.txt"


def test_strategy_outside_the_review_or_missing_is_refused(
    ws: Workspace, exports: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "strategy.txt"
    outside.write_text("1 foo\n")
    with pytest.raises(InputError, match="outside the review"):
        ws.import_file(exports / "medline-two.ris", database="MEDLINE", strategy=outside)
    with pytest.raises(InputError, match="no such strategy"):
        ws.import_file(exports / "medline-two.ris", database="MEDLINE", strategy="nope")


def test_a_file_put_under_imports_by_hand_is_imported_in_place(
    ws: Workspace, exports: Path
) -> None:
    by_hand = ws.imports_dir / "scopus" / "scopus.ris"
    by_hand.parent.mkdir()
    shutil.copy(exports / "embase-one.ris", by_hand)
    outcome = ws.import_file(by_hand, database="Scopus")
    assert outcome.entry.file == "imports/scopus/scopus.ris"
    assert ws.orphans() == []


def test_import_waits_for_no_one_while_another_command_holds_the_lock(
    ws: Workspace, exports: Path
) -> None:
    with ws.lock(), pytest.raises(WorkspaceError, match="another cen-search command"):
        ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    assert ws.imports() == []


# -- crash safety -------------------------------------------------------------------------


def test_interrupted_before_the_manifest_line_the_import_did_not_happen(
    ws: Workspace, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(workspace_module, "append_jsonl", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ws.import_file(exports / "medline-two.ris", database="MEDLINE", searched="2024-03-01")
    monkeypatch.undo()

    assert ws.imports() == []
    assert ws.read_imports() == []
    orphan = "imports/medline/2024-03-01_medline-two.ris"
    assert ws.orphans() == [orphan]
    status = ws.status()
    assert status.records == 0
    assert [p.file for p in status.problems] == [orphan]
    assert [e["event"] for e in ws.events()] == ["init"]

    # Importing it again adopts the copy instead of making a second one.
    outcome = ws.import_file(exports / "medline-two.ris", database="MEDLINE", searched="2024-03-01")
    assert not outcome.already_imported
    assert outcome.entry.file == orphan
    assert ws.orphans() == []
    assert not ws.status().problems


def test_interrupted_after_the_manifest_line_the_import_happened(
    ws: Workspace, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Workspace, "log", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    monkeypatch.undo()

    [entry] = ws.imports()
    assert (ws.root / entry.file).read_bytes() == (exports / "medline-two.ris").read_bytes()
    assert ws.import_file(exports / "medline-two.ris", database="MEDLINE").already_imported
    assert len(ws.records()) == 2
    assert not ws.status().problems


def test_interrupted_while_copying_leaves_no_file(
    ws: Workspace, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cen_search.fsutil as fsutil

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ws.import_file(exports / "medline-two.ris", database="MEDLINE")
    monkeypatch.undo()
    assert [p for p in ws.imports_dir.rglob("*") if p.is_file()] == [ws.manifest_path]
    assert ws.imports() == []


# -- reading imports ----------------------------------------------------------------------


def test_read_imports_gives_records_with_provenance_from_the_manifest(
    ws: Workspace, exports: Path
) -> None:
    first = ws.import_file(
        exports / "medline-two.ris", database="MEDLINE", platform="Ovid", searched="2024-03-01"
    ).entry
    ws.import_file(exports / "embase-one.ris", database="Embase", searched="2024-03-02")
    results = ws.read_imports()
    assert [len(r.records) for r in results] == [2, 1]
    record = results[0].records[0]
    assert record.provenance.file == first.file
    assert record.provenance.sha256 == first.sha256
    assert (record.provenance.database, record.provenance.platform) == ("MEDLINE", "Ovid")
    assert record.provenance.searched == "2024-03-01"
    assert record.id == f"{first.sha256[:12]}:1"
    assert results[1].records[0].source_database == "Embase"
    assert [r.title for r in ws.records()][2].startswith("Service user perspectives")


def _count_opens(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the times each file is opened (``open()``, ``Path`` reads and ``os.open``, which
    ``fsutil.read_regular_file`` uses), by resolved path."""
    opened: Counter[str] = Counter()
    real_open = io.open
    real_os_open = os.open

    def counting_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)):
            opened[str(Path(file).resolve())] += 1
        return real_open(file, *args, **kwargs)

    def counting_os_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)):
            opened[str(Path(file).resolve())] += 1
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", counting_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(os, "open", counting_os_open)
    return opened


def test_importing_and_reading_imports_read_each_export_once(
    ws: Workspace, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = exports / "medline-two.ris"
    opened = _count_opens(monkeypatch)
    entry = ws.import_file(source, database="MEDLINE").entry
    assert opened[str(source.resolve())] == 1
    opened.clear()
    [result] = ws.read_imports()
    assert opened[str((ws.root / entry.file).resolve())] == 1
    assert result.sha256 == entry.sha256


def test_a_modified_raw_export_is_an_error_naming_the_file(ws: Workspace, exports: Path) -> None:
    entry = ws.import_file(exports / "medline-two.ris", database="MEDLINE").entry
    raw = ws.root / entry.file
    raw.write_bytes(raw.read_bytes().replace(b"2019", b"2020"))
    with pytest.raises(WorkspaceError) as caught:
        ws.read_imports()
    assert entry.file in caught.value.message
    assert "changed since it was imported" in caught.value.message
    assert "git checkout" in caught.value.hint
    [problem] = ws.status().problems
    assert problem.file == entry.file


def test_a_missing_raw_export_is_an_error_naming_the_file(ws: Workspace, exports: Path) -> None:
    entry = ws.import_file(exports / "medline-two.ris", database="MEDLINE").entry
    (ws.root / entry.file).unlink()
    with pytest.raises(WorkspaceError, match="missing"):
        ws.read_imports()


def test_reimporting_a_modified_raw_copy_in_place_is_refused(ws: Workspace, exports: Path) -> None:
    entry = ws.import_file(exports / "medline-two.ris", database="MEDLINE").entry
    raw = ws.root / entry.file
    raw.write_bytes(raw.read_bytes() + b"\n")
    with pytest.raises(WorkspaceError, match="modified"):
        ws.import_file(raw, database="MEDLINE")


def test_manifest_lines_from_older_versions_are_read_with_defaults(ws: Workspace) -> None:
    ws.manifest_path.write_text(
        json.dumps({"file": "imports/x/a.ris", "sha256": "ab" * 32, "extra": 1}) + "\n"
    )
    [entry] = ws.imports()
    assert entry == ImportEntry(
        id="ab" * 6,
        file="imports/x/a.ris",
        original_name="a.ris",
        sha256="ab" * 32,
        size=0,
        format="",
        encoding="",
        records=0,
        skipped=0,
        warnings=0,
        database="",
    )


def test_a_corrupt_manifest_line_is_an_error_naming_it(ws: Workspace) -> None:
    ws.manifest_path.write_text('{"file": "imports/a.ris"}\nnot json\n')
    with pytest.raises(WorkspaceError, match=r"manifest\.jsonl"):
        ws.imports()


# -- status -------------------------------------------------------------------------------


def test_status_counts_records_per_database_and_says_what_to_do_next(
    ws: Workspace, exports: Path
) -> None:
    status = ws.status()
    assert (status.imports, status.records, status.databases) == (0, 0, ())
    assert any("no imports yet" in step for step in status.next_steps)
    assert any("no strategies yet" in step for step in status.next_steps)

    ws.import_file(exports / "medline-two.ris", database="MEDLINE", searched="2024-03-01")
    ws.import_file(exports / "embase-one.ris", database="Embase", searched="2024-03-02")
    status = ws.status()
    assert status.title == "CEN review"
    assert (status.imports, status.records) == (2, 3)
    assert [(d.database, d.imports, d.records) for d in status.databases] == [
        ("MEDLINE", 1, 2),
        ("Embase", 1, 1),
    ]
    assert any(step.startswith("run cen-search dedupe") for step in status.next_steps)

    ws.log("dedupe", clusters=3)
    assert not any("dedupe" in step for step in ws.status().next_steps)
    (ws.strategies_dir / "medline.txt").write_text("1 foo\n")
    ws.import_file(exports / "refs.bib", database="Scopus", searched="2024-03-03")
    status = ws.status()
    assert status.strategies == ("strategies/medline.txt",)
    assert any("dedupe again" in step for step in status.next_steps)
    assert not any("strateg" in step for step in status.next_steps)


def test_status_asks_for_a_contact_email_when_none_is_set(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "r")
    assert any("contact_email" in step for step in ws.status().next_steps)
