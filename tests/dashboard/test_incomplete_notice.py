"""The project page names the cells a 不完整 target table left empty, in one line (docs/domain.md §9)."""

from dash_helpers import app
from helpers import run_cli
from target_layouts import DISTRICT, TRUNCATED_NAME, file_rows, write


def test_project_page_lists_the_missing_cells(demo_db, tmp_path):
    run_cli("ingest", "targets", str(write(file_rows(DISTRICT), "pipe", tmp_path, "district")), db=demo_db, check=True)
    at = app("2022-06", page="views/project.py", project=TRUNCATED_NAME)
    assert at.title[0].value == TRUNCATED_NAME
    (notice,) = [w.value for w in at.warning if "不完整" in w.value]
    # rows 21 and 22 of the file: one without its value, one naming only its levels
    assert notice == "绩效目标表不完整，待补充：三级指标：第22行；指标值：第21行“开放时长达标率”、第22行"
