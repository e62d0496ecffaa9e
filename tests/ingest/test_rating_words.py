"""Rating synonyms (data/vocabulary.toml [ratings]), free text beside a rating, and a likelihood alone."""

from __future__ import annotations

import duckdb
import pytest
from helpers import SEED, upload

from core.config import load_config
from ingest.problems import ValidationFailed
from ingest.target_store import load_targets
from metrics.ratings import Rating, VocabularyError, closest_rating_word, rating_of, read_rating_words

HEADER = "项目名称,三级指标,月份,实际值,评级,完成目标可能性,偏差原因,纠偏措施,备注\n"
PROJECT = "上海体育公共服务经费"  # 热线数据库: 每周更新, rated
RATED = "热线数据库"


@pytest.mark.parametrize(
    "word,band",
    [
        ("达成预期指标", Rating.ACHIEVED),
        ("全部完成", Rating.ACHIEVED),
        ("已完成", Rating.ACHIEVED),
        ("基本达成", Rating.ACHIEVED),  # 80–100% of the points: the achieved band
        ("基本完成", Rating.ACHIEVED),
        ("部分完成", Rating.PARTIAL),
        ("部分达成", Rating.PARTIAL),
        ("未完成", Rating.MISSED),
        ("未达成", Rating.MISSED),
        ("未达成年度指标且效果较差", Rating.MISSED),  # the official name
        (" 全部 完成 ", Rating.ACHIEVED),  # spaces are folded
        ("ACHIEVED", Rating.ACHIEVED),
    ],
)
def test_synonyms(word, band):
    assert rating_of(word) == band


def test_unknown_word_and_its_closest():
    assert rating_of("完成较好") is None
    assert closest_rating_word("部份完成") == "部分完成"  # a common miswriting


def test_a_word_under_two_bands_is_refused(tmp_path):
    path = tmp_path / "vocabulary.toml"
    path.write_text('[ratings]\nachieved = ["完成"]\npartial = ["完成"]\n', encoding="utf-8")
    with pytest.raises(VocabularyError, match="完成"):
        read_rating_words(path)


def test_an_admin_adds_a_word(tmp_path):
    path = tmp_path / "vocabulary.toml"
    path.write_text('[ratings]\npartial = ["进行中"]\n', encoding="utf-8")
    words = read_rating_words(path)
    assert words["进行中"] == Rating.PARTIAL and words["达成"] == Rating.ACHIEVED  # the official words stay


@pytest.fixture
def seeded(db_path):
    load_targets([SEED], db_path, load_config())
    return db_path


def _rated(db_path) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "SELECT strftime(month, '%Y-%m'), value, rating, likelihood, note FROM indicator_value ORDER BY month"
        ).fetchall()


def test_synonyms_and_words_load(seeded, tmp_path):
    upload(
        seeded,
        tmp_path,
        "v.csv",
        HEADER
        + f"{PROJECT},{RATED},2020-03,,,确定能,,,\n"  # a likelihood alone: a valid mid-year entry
        + f"{PROJECT},{RATED},2020-06,已按周发布,全部完成,,,,\n"  # words beside a rating
        + f"{PROJECT},{RATED},2020-09,延期一周,部分完成,有可能,人手不足,增派人员,见附件\n",
    )
    assert _rated(seeded) == [
        ("2020-03", None, None, "certain", None),
        ("2020-06", None, "achieved", None, "实际完成值：已按周发布"),  # never read as a number
        ("2020-09", None, "partial", "possible", "实际完成值：延期一周；见附件"),
    ]


def _problems(db_path, tmp_path, rows: str) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        upload(db_path, tmp_path, "bad.csv", HEADER + rows)
    return [p.format("zh") for p in caught.value.problems]


def test_unknown_rating_suggests_the_closest(seeded, tmp_path):
    (problem,) = _problems(seeded, tmp_path, f"{PROJECT},{RATED},2020-06,,部份完成,,,,\n")
    assert "“部份完成”不是可识别的评级，最接近的是“部分完成”" in problem
    assert _rated(seeded) == []  # nothing written


def test_unknown_rating_in_english(seeded, tmp_path):
    with pytest.raises(ValidationFailed) as caught:
        upload(seeded, tmp_path, "bad.csv", HEADER + f"{PROJECT},{RATED},2020-06,,部份完成,,,,\n")
    assert "the closest is “部分完成”" in caught.value.problems[0].format("en")


def test_words_without_a_rating_are_refused(seeded, tmp_path):
    (problem,) = _problems(seeded, tmp_path, f"{PROJECT},{RATED},2020-06,已按周发布,,,,,\n")
    assert "文字的完成情况须同时填写评级" in problem


def test_an_empty_row_is_still_refused(seeded, tmp_path):
    (problem,) = _problems(seeded, tmp_path, f"{PROJECT},{RATED},2020-06,,,,,,说明\n")
    assert "实际值、评级、完成目标可能性至少填写一项" in problem


def test_the_monitoring_form_shows_words_and_a_likelihood_alone(seeded, tmp_path):
    from core.db import read_connection
    from metrics.forms import monitoring_forms

    upload(
        seeded,
        tmp_path,
        "v.csv",
        HEADER
        + f"{PROJECT},{RATED},2020-06,已按周发布,全部完成,确定能,,,\n"
        + f"{PROJECT},预算执行及时,2020-06,,,有可能,人手不足,增派人员,\n",  # 完成目标可能性 alone
    )
    with read_connection(seeded) as con:
        (form,) = monitoring_forms(con, load_config(con), 2020, 6, PROJECT)
    rows = {i.level3: i for i in form.indicators}
    assert (rows[RATED].actual, rows[RATED].note) == ("达成", "实际完成值：已按周发布")  # the words as text
    assert (rows["预算执行及时"].likelihood, rows["预算执行及时"].deviation) == ("有可能", "人手不足；增派人员")
