"""``perfboard backup --out`` never writes into (or over) something that is already there."""

import pytest
from helpers import SEED, run_cli


@pytest.fixture
def db(db_path):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    return db_path


@pytest.mark.parametrize("lang, message", [("zh", "已存在且不是空文件夹"), ("en", "exists and is not an empty folder")])
def test_a_folder_that_is_not_empty_is_refused_in_one_line(db, tmp_path, lang, message):
    out_dir = tmp_path / "backup"
    out_dir.mkdir()
    (out_dir / "mine.txt").write_text("keep me", encoding="utf-8")
    out = run_cli("backup", "--out", str(out_dir), "--lang", lang, db=db)
    assert out.returncode == 2
    assert len(out.stderr.splitlines()) == 1 and message in out.stderr and "Traceback" not in out.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["mine.txt"]


def test_a_file_is_refused_too(db, tmp_path):
    target = tmp_path / "backup"
    target.write_text("a file", encoding="utf-8")
    out = run_cli("backup", "--out", str(target), db=db)
    assert out.returncode == 2 and "已存在且不是空文件夹" in out.stderr
    assert target.read_text(encoding="utf-8") == "a file"


def test_an_empty_folder_takes_the_backup(db, tmp_path):
    out_dir = tmp_path / "backup"
    out_dir.mkdir()
    assert run_cli("backup", "--out", str(out_dir), db=db).returncode == 0
    assert (out_dir / "schema.sql").is_file()
