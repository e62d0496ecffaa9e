"""Column parsers: the spellings staff use for months, times and numbers."""

import pandas as pd

from ingest import parsing


def test_months():
    col = pd.Series(["2020-03", "2020/3", "2020年3月", "202003", "2020-03-01", "2020.3", "2020-13", "三月", ""])
    parsed, bad = parsing.months(col)
    assert [d.strftime("%Y-%m") for d in parsed[:6]] == ["2020-03"] * 6
    assert bad.tolist() == [False] * 6 + [True, True, False]


def test_datetimes():
    col = pd.Series(
        ["2020-03-05 14:30", "2020/3/5 9:05", "2020年3月5日 9:05", "2020-03-05T14:30:15", "2020-03-32 10:00", ""]
    )
    parsed, bad = parsing.datetimes(col)
    assert str(parsed[0]) == "2020-03-05 14:30:00"
    assert str(parsed[1]) == "2020-03-05 09:05:00"
    assert str(parsed[2]) == "2020-03-05 09:05:00"
    assert str(parsed[3]) == "2020-03-05 14:30:15"
    assert bad.tolist() == [False, False, False, False, True, False]


def test_numbers_and_counts():
    parsed, bad = parsing.numbers(pd.Series(["1,234.5", " 12 ", "¥300", "98%", "abc", ""]), percent_ok=True)
    assert parsed[:4].tolist() == [1234.5, 12.0, 300.0, 98.0]
    assert bad.tolist() == [False, False, False, False, True, False]
    parsed, bad = parsing.counts(pd.Series(["3", "3.0", "3.5"]))
    assert bad.tolist() == [False, False, True]


def test_choices():
    parsed, bad = parsing.choices(pd.Series(["达成", "Achieved", "优秀"]), {"达成": "achieved", "achieved": "achieved"})
    assert parsed[:2].tolist() == ["achieved", "achieved"]
    assert bad.tolist() == [False, False, True]
