"""`perfboard status` prints figures through the one formatter (core.numbers): 39.8%, 46分钟, 2020年6月."""

from __future__ import annotations

from helpers import run_cli


def test_status_table_speaks_in_percent_and_minutes(demo_copy):
    out = run_cli("status", "--month", "2020-06", db=demo_copy, check=True).stdout.splitlines()
    # the unit: 10,476,955.92 executed of 51,914,040 = 20.2%, at time progress 6/12 = 50%
    assert out[0] == "2020年6月  执行率 20.2%（时间进度 50%）"
    rows = {tuple(line.split()[:1] + line.split()[3:4]): line.split() for line in out[3:]}
    assert rows[("上海体育公共服务经费", "预算执行率")][5] == "39.8%"  # a rate in points, with its %
    assert rows[("上海体育宣传服务经费", "宣传服务经费")][5] == "46分钟"  # 0.7667 h × 60 = 46 min
    assert rows[("上海体育系统人员培训经费", "党校微课堂")][5] == "26期"  # a count with its unit
    english = run_cli("status", "--month", "2020-06", "--lang", "en", db=demo_copy, check=True).stdout
    assert english.startswith("Jun 2020  executed 20.2% (time progress 50%)") and "46 min" in english
