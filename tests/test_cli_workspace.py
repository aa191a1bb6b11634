"""``cen-search init``, ``import``, ``status`` and ``config show`` from the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cen_search.cli.app import app

pytest.importorskip("cen_search.formats.ris")

DATA = Path(__file__).parent / "data" / "foundation"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the fixtures in ``downloads/``, no user config, no CEN_SEARCH_* settings."""
    shutil.copytree(DATA, tmp_path / "downloads")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("CEN_SEARCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CEN_SEARCH_CONFIG", str(tmp_path / "no-user-config.toml"))
    return tmp_path


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


@pytest.fixture()
def review(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    result = run("init", "review", "--title", "CEN review", "--email", "me@example.org")
    assert result.exit_code == 0, result.stderr
    monkeypatch.chdir(isolated / "review")
    return isolated / "review"


def test_init_creates_a_review_and_says_what_to_do_next(isolated: Path) -> None:
    result = run("init", "rev", "--title", "T", "--from", "2003-01", "--to", "2019-12-31")
    assert result.exit_code == 0
    assert "created review 'T'" in result.stderr
    assert "cen-search import" in result.stderr
    text = (isolated / "rev" / "cen-search.toml").read_text()
    assert 'date_from = "2003-01"' in text and 'date_to = "2019-12-31"' in text


def test_init_twice_is_refused_and_changes_nothing(review: Path) -> None:
    before = (review / "cen-search.toml").read_bytes()
    result = run("init", ".", "--title", "Other")
    assert result.exit_code == 1
    assert "already a cen-search review" in result.stderr
    assert (review / "cen-search.toml").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "Jan 2003"], "YYYY-MM-DD"),
        (["--email", "nobody"], "e-mail"),
        (["--from", "2019", "--to", "2003"], "reversed"),
    ],
)
def test_init_with_bad_values_is_a_usage_error(
    isolated: Path, args: list[str], message: str
) -> None:
    result = run("init", "rev", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (isolated / "rev" / "cen-search.toml").exists()


def test_import_then_status(review: Path) -> None:
    result = run(
        "import",
        "../downloads/medline-two.ris",
        "--database",
        "MEDLINE",
        "--platform",
        "Ovid",
        "--searched",
        "2024-03-01",
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "imported ../downloads/medline-two.ris as imports/medline/2024-03-01_medline-two.ris"
        in (result.stderr)
    )
    assert "2 records" in result.stderr
    assert (review / "imports/medline/2024-03-01_medline-two.ris").is_file()

    result = run("status")
    assert result.exit_code == 0
    out = result.stdout
    assert "review:     CEN review" in out
    assert "1 file, 2 records" in out
    assert "MEDLINE" in out and "2024-03-01" in out
    assert "run cen-search dedupe" in out


def test_importing_the_same_file_twice_says_nothing_changed(review: Path) -> None:
    run("import", "../downloads/embase-one.ris", "-d", "Embase")
    manifest = (review / "imports/manifest.jsonl").read_bytes()
    result = run("import", "../downloads/embase-one.ris", "-d", "Embase")
    assert result.exit_code == 0
    assert "already imported" in result.stderr and "nothing changed" in result.stderr
    assert (review / "imports/manifest.jsonl").read_bytes() == manifest


def test_an_export_saved_again_is_refused_as_a_repeat_of_the_earlier_import(
    review: Path,
) -> None:
    run("import", "../downloads/medline-two.ris", "-d", "MEDLINE")
    original = Path("../downloads/medline-two.ris").read_bytes()
    Path("../crlf.ris").write_bytes(original.replace(b"\n", b"\r\n"))
    assert run("convert", "../downloads/medline-two.ris", "-o", "../two.csv").exit_code == 0
    manifest = (review / "imports/manifest.jsonl").read_bytes()
    for again in ("../crlf.ris", "../two.csv"):
        result = run("import", again, "-d", "medline")
        assert result.exit_code == 1, result.stderr
        assert "holds the same 2 records as imports/medline/medline-two.ris" in result.stderr
        assert "--again" in result.stderr
    assert (review / "imports/manifest.jsonl").read_bytes() == manifest
    assert sorted(p.name for p in (review / "imports/medline").iterdir()) == ["medline-two.ris"]


def test_again_imports_a_new_search_that_found_the_same_records(review: Path) -> None:
    run("import", "../downloads/medline-two.ris", "-d", "MEDLINE")
    original = Path("../downloads/medline-two.ris").read_bytes()
    Path("../crlf.ris").write_bytes(original.replace(b"\n", b"\r\n"))
    assert run("import", "../crlf.ris", "-d", "MEDLINE", "--again").exit_code == 0
    # The same records under another database, or with one record more, are another search.
    assert run("convert", "../downloads/medline-two.ris", "-o", "../two.csv").exit_code == 0
    assert run("import", "../two.csv", "-d", "Embase").exit_code == 0
    one_more = original + b"\n" + Path("../downloads/embase-one.ris").read_bytes()
    Path("../three.ris").write_bytes(one_more)
    assert run("import", "../three.ris", "-d", "MEDLINE").exit_code == 0
    assert len((review / "imports/manifest.jsonl").read_text().splitlines()) == 4


def test_import_json_describes_each_outcome(review: Path) -> None:
    result = run(
        "import",
        "../downloads/medline-two.ris",
        "../downloads/embase-one.ris",
        "-d",
        "MEDLINE",
        "--json",
    )
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert [i["entry"]["records"] for i in document["imports"]] == [2, 1]
    assert document["imports"][0]["already_imported"] is False
    assert document["imports"][0]["entry"]["sha256"]


def test_import_without_database_is_a_usage_error(review: Path) -> None:
    result = run("import", "../downloads/embase-one.ris")
    assert result.exit_code == 2
    assert "--database" in result.stderr
    assert (review / "imports/manifest.jsonl").read_bytes() == b""


def test_import_with_a_bad_search_date_is_a_usage_error(review: Path) -> None:
    result = run("import", "../downloads/embase-one.ris", "-d", "Embase", "--searched", "5/3/2024")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_import_outside_a_review_says_to_run_init(isolated: Path) -> None:
    result = run("import", "downloads/embase-one.ris", "-d", "Embase")
    assert result.exit_code == 1
    assert "not inside a cen-search review" in result.stderr
    assert "cen-search init" in result.stderr


def test_import_refuses_unreadable_files_but_imports_the_others(review: Path) -> None:
    result = run(
        "import",
        "../downloads/notes.txt",
        "../downloads/missing.ris",
        "../downloads/embase-one.ris",
        "-d",
        "Embase",
    )
    assert result.exit_code == 1
    assert "notes.txt: cannot tell which export format" in result.stderr
    assert "missing.ris: no such file" in result.stderr
    assert "2 of 3 files not imported" in result.stderr
    lines = (review / "imports/manifest.jsonl").read_text().splitlines()
    assert [json.loads(line)["original_name"] for line in lines] == ["embase-one.ris"]


def test_import_refuses_a_file_with_no_readable_record_with_its_reasons(review: Path) -> None:
    pytest.importorskip("cen_search.formats.bibtex")
    result = run("import", "../downloads/broken.bib", "-d", "Scopus")
    assert result.exit_code == 1
    assert "no records could be read" in result.stderr
    assert "broken.bib:1" in result.stderr
    assert not (review / "imports" / "scopus").exists()


def test_status_reports_a_modified_raw_export(review: Path) -> None:
    run("import", "../downloads/embase-one.ris", "-d", "Embase")
    raw = review / "imports/embase/embase-one.ris"
    raw.write_bytes(raw.read_bytes().replace(b"2021", b"2022"))
    result = run("status", "--json")
    assert result.exit_code == 0
    status = json.loads(result.stdout)["status"]
    assert status["problems"][0]["file"] == "imports/embase/embase-one.ris"
    assert "changed since it was imported" in status["problems"][0]["message"]
    assert status["next_steps"][0] == "fix the problems listed above"


def test_status_outside_a_review_is_an_error_with_a_hint(isolated: Path) -> None:
    result = run("status")
    assert result.exit_code == 1
    assert "cen-search init" in result.stderr


def test_config_show_names_sources_and_redacts_secrets(
    review: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEN_SEARCH_OPENALEX_API_KEY", "oa-secret-key-98765")
    result = run("config", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert "oa-secret-key-98765" not in result.output
    assert "me@example.org" not in result.output
    assert "****8765" in out and "env (CEN_SEARCH_OPENALEX_API_KEY)" in out
    assert f"review ({review / 'cen-search.toml'})" in out
    assert "m***@example.org" in out

    document = json.loads(run("config", "show", "--json").stdout)
    values = {item["key"]: item for item in document["settings"]}
    assert values["apis.openalex_api_key"]["value"] == "****8765"
    assert values["apis.openalex_api_key"]["source"] == "env"
    assert values["title"]["value"] == "CEN review"


def test_config_show_outside_a_review_uses_the_other_layers(isolated: Path) -> None:
    result = run("config", "show")
    assert result.exit_code == 0
    assert "(not in a review)" in result.stdout


def test_directory_option_runs_the_command_in_the_review(review: Path, isolated: Path) -> None:
    env = {**os.environ, "CEN_SEARCH_CONFIG": str(isolated / "none.toml")}
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "-C", str(review), "status"],
        capture_output=True,
        text=True,
        cwd=isolated,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "CEN review" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "-C", "no-such-dir", "status"],
        capture_output=True,
        text=True,
        cwd=isolated,
        env=env,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_ctrl_c_during_import_exits_130_and_leaves_the_review_as_it_was(
    review: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import cen_search.workspace.core as workspace_module
    from cen_search.cli.app import Interrupted, main

    def ctrl_c(*args: object, **kwargs: object) -> None:
        raise Interrupted  # what the CLI's SIGINT handler raises

    with monkeypatch.context() as patched, pytest.raises(SystemExit) as caught:
        patched.setattr(workspace_module, "append_jsonl", ctrl_c)
        main(["import", "../downloads/embase-one.ris", "-d", "Embase"])
    assert caught.value.code == 130
    assert "interrupted" in capsys.readouterr().err
    assert (review / "imports/manifest.jsonl").read_bytes() == b""
    status = run("status")
    assert status.exit_code == 0, status.output
    assert run("import", "../downloads/embase-one.ris", "-d", "Embase").exit_code == 0
    assert not json.loads(run("status", "--json").stdout)["status"]["problems"]
