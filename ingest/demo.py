"""Deterministic demo actuals for the five 2020 projects, grounded in what their target tables say.

- Budgets: service contracts spend steadily; the museum (文史) pays little before its
  March–May tender and then large construction instalments; training (培训) stalls in
  the first half of 2020 and catches up.  上海体育公共服务经费 is at 39.8% in June.
- 12345 hotline: a ticket-level export (and the matching monthly report), with the
  February–March dip and a summer peak; closure around 96%, a weaker July.
- Public opinion: hot and negative events, almost all reported within the hour, one slow
  one in August; monitoring 14–16 hours a day, a few short days at Spring Festival.
- Museum: halls cleared March–April, rebuilt June–November, trial run in December, so
  visitors collapse year on year against the 2019 baseline.
- Micro-lectures: ahead of the 20 + 20 plan in the first half; cadre training classes only
  in the second half.
- Ratings each quarter; the September rating of 工作完成及时性 is deliberately missing.
- Red and yellow lights carry their 偏差原因 and 纠偏措施 from the month they first show (the monthly
  cycle asks for them when a month is submitted, docs/domain.md §10), and the review history
  (``REVIEW``): January–May approved, April of the training project returned once, June submitted.
- Each month's figures are filed early in the following month (``FILED_DAY``), two of them late.

``write_demo_files`` writes the CSVs shipped in ``data/demo``; a test checks they are current.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

IT, HOTLINE, MUSEUM, TRAINING, PUBLICITY = (
    "上海市体育局信息技术保障经费",
    "上海体育公共服务经费",
    "上海体育文史业务经费",
    "上海体育系统人员培训经费",
    "上海体育宣传服务经费",
)
YEAR = 2020

# Spending per month as a share of the budget (each row sums to the year's execution).
SPENDING_SHARES = {
    IT: (3890000, [4.0, 3.5, 6.0, 7.5, 7.0, 8.0, 8.5, 8.0, 8.5, 9.0, 10.0, 17.5]),
    HOTLINE: (2150040, [4.0, 2.5, 5.0, 7.5, 9.0, 11.8, 9.0, 8.5, 9.0, 9.5, 10.0, 13.8]),
    MUSEUM: (35987000, [0.6, 0.4, 1.5, 1.5, 2.0, 6.0, 12.0, 12.0, 14.0, 12.0, 12.0, 19.0]),
    TRAINING: (2187000, [2.0, 0.5, 1.5, 3.0, 5.0, 8.0, 9.0, 8.0, 12.0, 14.0, 15.0, 17.0]),
    PUBLICITY: (7700000, [7.0, 6.0, 7.5, 8.0, 8.5, 8.0, 9.0, 9.5, 8.0, 8.5, 8.0, 9.0]),
}
# Funds arrive by quarter (share of the budget in months 1, 4, 7, 10).
FUNDS_BY_QUARTER = [25.0, 25.0, 25.0, 25.0]
# The museum's halls closed for rebuilding (the seed's 展陈改建): its budget was cut from July, its
# second-half funds are what the cut budget leaves, and a collecting target was revised in September.
ADJUSTMENTS = [(MUSEUM, 7, 34000000.00, "展厅改建期间闭馆，布展经费相应调减", "沪体财〔2020〕35号")]
REVISIONS = [(MUSEUM, "藏品社会征集", 9, ">=90%", "受疫情影响部分社会征集活动取消，经主管部门批准调整")]

# 偏差原因 and 纠偏措施 of a budget that lags, entered with its month's figures: (project, month) → texts.
BUDGET_REASONS = {
    (HOTLINE, 1): (
        "政府购买服务合同按季度结算，春节及疫情影响1月付款进度滞后",
        "与服务供应商约定按月结算，加快合同付款进度",
    ),
    (PUBLICITY, 1): ("宣传服务合同于2月签订，1月仅支付前期费用", "合同签订后按服务进度及时支付"),
}

TICKETS_PER_MONTH = [95, 48, 61, 88, 112, 134, 161, 149, 118, 104, 97, 90]
CLOSE_RATE = [0.97, 0.96, 0.97, 0.97, 0.96, 0.96, 0.91, 0.95, 0.97, 0.97, 0.98, 0.98]
EVENTS_PER_MONTH = [3, 5, 4, 3, 4, 5, 7, 6, 4, 5, 4, 3]
VISITORS_2019 = [9200, 7800, 10400, 11800, 12500, 11900, 14800, 15600, 11200, 13900, 10800, 9600]
VISITORS_2020 = [8700, 0, 600, 0, 0, 0, 0, 0, 0, 0, 0, 1500]
MICRO_LECTURES = [4, 4, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4]
CADRE_CLASSES = [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0]
THEME_EVENTS = [0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1]
INDUCTION = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]

# (project, indicator) → {month: (value, rating, likelihood, reason, measures, note)}
RATED: dict[tuple[str, str], dict[int, tuple]] = {
    (IT, "政府资源开放工作评估"): {
        6: (86, None, "确定能", None, None, "半年度评估得分"),
        12: (88, None, "确定能", None, None, "年度评估得分"),
    },
    (IT, "等保测评评分"): {
        3: (78, None, "确定能", "自评发现部分安全配置未达标", "4月底前完成整改并复测", "自评"),
        6: (81, None, "确定能", None, None, "自评"),
        9: (84, None, "确定能", None, None, "第三方测评"),
        12: (86, None, "确定能", None, None, "第三方测评"),
    },
    (IT, "工作完成及时性"): {
        3: (None, "达成", "确定能", None, None, None),
        6: (None, "达成", "确定能", None, None, None),
        12: (None, "达成", "确定能", None, None, None),
    },
    (IT, "市体育局官网测评"): {
        6: (
            None,
            "部分达成",
            "有可能",
            "上半年两次抽查发现栏目更新不及时",
            "建立栏目更新周报，专人负责",
            "市政府网站抽查",
        ),
        12: (None, "达成", "确定能", None, None, "年度测评为全市优秀网站"),
    },
    (HOTLINE, "处理12345热线工单办结率"): {
        1: (None, None, "有可能", "部分工单涉及多部门协调，办结周期较长", "建立疑难工单周例会，督办超期工单", None),
    },
    (HOTLINE, "热线数据库"): {
        3: (None, "达成", "确定能", None, None, None),
        6: (None, "达成", "确定能", None, None, None),
        9: (None, "达成", "确定能", None, None, None),
        12: (None, "达成", "确定能", None, None, None),
    },
    (MUSEUM, "体育藏品拍卖"): {
        6: (40, None, "确定能", "受疫情影响拍卖会延期举办", "下半年参加秋季拍卖会", "完成进度%"),
        12: (100, None, "确定能", None, None, "完成进度%"),
    },
    (MUSEUM, "藏品社会征集"): {
        6: (35, None, "确定能", "疫情期间社会征集活动暂停", "恢复线下征集并开通线上征集渠道", "完成进度%"),
        12: (100, None, "确定能", None, None, "完成进度%"),
    },
    (MUSEUM, "体育藏品收购"): {
        6: (30, None, "有可能", "疫情影响藏品征集活动", "下半年集中开展征集与评估", "完成进度%"),
        12: (92, None, "确定能", None, None, "完成进度%"),
    },
    (MUSEUM, "体育藏品范围"): {
        6: (12, None, "确定能", "上半年未新增藏品门类", "下半年重点征集新门类藏品", "藏品门类数"),
        12: (14, None, "确定能", None, None, "藏品门类数"),
    },
    (MUSEUM, "藏品收购时间计划"): {
        6: (None, "部分达成", "有可能", "疫情影响招标进度", "调整采购计划，下半年集中实施", None),
        12: (None, "部分达成", "确定能", None, None, "收购完成92%"),
    },
    (MUSEUM, "宣传体育文化，传播体育知识"): {
        6: (None, "达成", "确定能", None, None, None),
        12: (None, "达成", "确定能", None, None, None),
    },
    (MUSEUM, "丰富体育藏品数量和质量"): {
        6: (5905, None, "确定能", None, None, "藏品件数"),
        12: (6210, None, "确定能", None, None, "藏品件数"),
    },
    (MUSEUM, "提升博物馆的社会知名度，让公众进一步了解上海体育历史"): {
        1: (None, None, "有可能", "1月下旬起受疫情影响闭馆", "开展线上展览，恢复开放后加强宣传", None),
    },
    (MUSEUM, "近代体育发源地的地位进一步强化"): {
        6: (None, "部分达成", "确定能", "展厅改建期间相关展陈暂停", "利用线上展览和专题讲座持续宣传", None),
        12: (None, "达成", "确定能", None, None, None),
    },
    (MUSEUM, "提升上海体育文化在全国的影响力"): {
        6: (None, "部分达成", "有可能", "展厅改建期间闭馆", "加强线上展览与新媒体传播", None),
        12: (None, "部分达成", "确定能", None, None, "12月试运行"),
    },
    (TRAINING, "党校干部培训"): {
        1: (None, None, "有可能", "干部培训班计划于下半年举办，上半年暂未开班", "按计划于9月、11月举办两期", None),
    },
    (PUBLICITY, "宣传服务"): {
        1: (
            None,
            None,
            "有可能",
            "春节期间（1月25–27日）人员轮休，监控时长不足14小时",
            "节假日安排专人值守，系统监控补位",
            None,
        ),
    },
    (PUBLICITY, "宣传服务经费"): {  # August's slow report (opinion_events): explained when it turned red
        8: (
            None,
            None,
            "有可能",
            "8月一起热点舆情发现后核实耗时，1小时22分才上报，超过1小时时限",
            "先报后核：发现即初报，核实情况随后续报；每月复盘上报时效",
            None,
        ),
    },
    (TRAINING, "微课堂品质"): {
        6: (None, "达成", "确定能", None, None, None),
        12: (None, "达成", "确定能", None, None, None),
    },
    (TRAINING, "课程推出频率"): {
        6: (None, "达成", "确定能", None, None, None),
        12: (None, "达成", "确定能", None, None, None),
    },
    (TRAINING, "教练员岗位培训"): {
        6: (None, "未达成", "有可能", "疫情期间暂停集中培训", "下半年改为线上线下结合分批培训", None),
        12: (None, "部分达成", "确定能", None, None, "中级培训延至次年"),
    },
    (TRAINING, "党员素质"): {
        6: (None, "达成", "确定能", None, None, None),
        12: (None, "达成", "确定能", None, None, None),
    },
}


# The monthly cycle of 2020 (docs/domain.md §10): (project or None for all, month, step, actor, when, reason).
# January–May submitted by staff around the 8th and approved by the leader around the 14th of the next month;
# April of the training project was returned once and approved after it was fixed; June is submitted and waits.
def _review() -> list[tuple[str | None, int, str, str, datetime, str | None]]:
    steps = []
    for m in range(1, 6):
        steps.append((None, m, "submit", "demo-staff", datetime(YEAR, m + 1, 8, 10, 0), None))
        if m == 4:
            steps += [
                (
                    TRAINING,
                    4,
                    "return",
                    "demo-leader",
                    datetime(YEAR, 5, 11, 16, 30),
                    "4月“体荟魔都”主题活动数量与活动记录不符，请核对后重新提交",
                ),
                (TRAINING, 4, "submit", "demo-staff", datetime(YEAR, 5, 12, 9, 15), None),
            ]
        steps.append((None, m, "approve", "demo-leader", datetime(YEAR, m + 1, 14, 15, 0), None))
    return [*steps, (None, 6, "submit", "demo-staff", datetime(YEAR, 7, 9, 10, 0), None)]


REVIEW = _review()

# The day of the following month on which each month's figures were filed (the deadline is the 10th);
# (file, month) → day for the two filed late.  Last year's baseline was filed with January's figures.
FILED_DAY = 6
FILED_LATE = {("visitors_2019_2020.csv", 3): 14, ("deliverables_2020.csv", 2): 12}

REFERENCES = [
    (IT, "政府资源开放工作评估", 6, "参考值", 82, "全市平均得分"),
    (IT, "政府资源开放工作评估", 12, "参考值", 85, "全市平均得分"),
    (MUSEUM, "体育藏品范围", 6, "基期值", 12, "2019年藏品门类数"),
    (MUSEUM, "体育藏品范围", 12, "基期值", 12, "2019年藏品门类数"),
    (MUSEUM, "丰富体育藏品数量和质量", 6, "基期值", 5780, "2019年同期藏品件数"),
    (MUSEUM, "丰富体育藏品数量和质量", 12, "基期值", 5820, "2019年末藏品件数"),
]


def _month(m: int, year: int = YEAR) -> str:
    return f"{year}-{m:02d}"


def budget_rows() -> pd.DataFrame:
    rows = []
    cut = {project: (month, budget) for project, month, budget, *_ in ADJUSTMENTS}
    for project, (budget, shares) in SPENDING_SHARES.items():
        for m, share in enumerate(shares, start=1):
            received = budget * FUNDS_BY_QUARTER[(m - 1) // 3] / 100 if m in (1, 4, 7, 10) else 0
            if project in cut and m in (7, 10):  # the rest of the cut budget, in two instalments
                received = (cut[project][1] - budget * sum(FUNDS_BY_QUARTER[:2]) / 100) / 2
            reason, measures = BUDGET_REASONS.get((project, m), ("", ""))
            rows.append(
                {
                    "项目名称": project,
                    "月份": _month(m),
                    "当月支出（元）": f"{budget * share / 100:.2f}",
                    "当月到位资金（元）": f"{received:.2f}",
                    "偏差原因": reason,
                    "纠偏措施": measures,
                    "备注": "",
                }
            )
    return pd.DataFrame(rows)


def hotline_tickets() -> pd.DataFrame:
    rng = random.Random(12345)
    rows = []
    for m, n in enumerate(TICKETS_PER_MONTH, start=1):
        days = (date(YEAR + m // 12, m % 12 + 1, 1) - date(YEAR, m, 1)).days
        closed_count = round(n * CLOSE_RATE[m - 1])
        for k in range(n):
            received = datetime(YEAR, m, rng.randint(1, days), rng.randint(8, 20), rng.randint(0, 59))
            late = rng.random() < 0.006
            accepted = received + timedelta(minutes=rng.randint(30 * 60, 40 * 60) if late else rng.randint(5, 600))
            closed = accepted + timedelta(hours=rng.randint(4, 120)) if k < closed_count else None
            if closed and closed.year > YEAR:
                closed = None  # still open at the year's end
            rows.append(
                {
                    "工单编号": f"SH{received:%Y%m%d}{m:02d}{k:04d}",
                    "项目名称": HOTLINE,
                    "派单时间": f"{received:%Y-%m-%d %H:%M}",
                    "接单时间": f"{accepted:%Y-%m-%d %H:%M}",
                    "接单时限": f"{received + timedelta(hours=24):%Y-%m-%d %H:%M}",
                    "办结时间": f"{closed:%Y-%m-%d %H:%M}" if closed else "",
                    "工单状态": "已办结" if closed else "处理中",
                }
            )
    return pd.DataFrame(rows)


def hotline_month(tickets: pd.DataFrame) -> pd.DataFrame:
    """The monthly report of the same tickets: what happened within each month.

    受理 counts the tickets received in the month; 接单, 按期接单 and 办结 count the acceptances and
    closures made in the month, whenever the ticket came in (a ticket received on 30 June and closed
    on 2 July is July's closure), so the figures to date never know more than the month's end did.
    """
    accepted = pd.to_datetime(tickets["接单时间"])
    closed = pd.to_datetime(tickets["办结时间"].replace("", None))
    received = tickets["派单时间"].str[:7]
    months = sorted(received.unique())
    on_time = accepted <= pd.to_datetime(tickets["接单时限"])
    accepted_in = accepted.dt.strftime("%Y-%m")
    closed_in = closed.dt.strftime("%Y-%m")
    return pd.DataFrame(
        {
            "项目名称": HOTLINE,
            "月份": months,
            "受理工单数": [int((received == m).sum()) for m in months],
            "接单数": [int((accepted_in == m).sum()) for m in months],
            "按期接单数": [int(((accepted_in == m) & on_time).sum()) for m in months],
            "办结数": [int((closed_in == m).sum()) for m in months],
        }
    )


def opinion_events() -> pd.DataFrame:
    rng = random.Random(2020)
    rows = []
    for m, n in enumerate(EVENTS_PER_MONTH, start=1):
        for k in range(n):
            appeared = datetime(YEAR, m, rng.randint(1, 28), rng.randint(7, 22), rng.randint(0, 59))
            detected = appeared + timedelta(minutes=rng.randint(3, 30))
            slow = (m, k) == (8, 2)
            reported = detected + timedelta(minutes=62 if slow else rng.randint(5, 25))
            rows.append(
                {
                    "项目名称": PUBLICITY,
                    "事件编号": f"YQ{YEAR}-{m:02d}{k + 1:02d}",
                    "舆情级别": rng.choice(["热点", "负面", "热点", "负面", "重大"]) if k else "热点",
                    "事件摘要": "",
                    "出现时间": f"{appeared:%Y-%m-%d %H:%M}",
                    "发现时间": f"{detected:%Y-%m-%d %H:%M}",
                    "上报时间": f"{reported:%Y-%m-%d %H:%M}",
                }
            )
    return pd.DataFrame(rows)


def opinion_hours() -> pd.DataFrame:
    rng = random.Random(14)
    short_days = {date(YEAR, 1, 25), date(YEAR, 1, 26), date(YEAR, 1, 27)}  # Spring Festival
    rows = []
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        hours = 12.0 if day in short_days else rng.choice([14.0, 14.5, 15.0, 15.5, 16.0])
        rows.append({"项目名称": PUBLICITY, "日期": day.isoformat(), "监控时长（小时）": f"{hours:g}"})
        day += timedelta(days=1)
    return pd.DataFrame(rows)


def visitors() -> pd.DataFrame:
    rows = []
    for year, counts in ((YEAR - 1, VISITORS_2019), (YEAR, VISITORS_2020)):
        for m, n in enumerate(counts, start=1):
            rows.append({"项目名称": MUSEUM, "月份": _month(m, year), "参观人数": n, "参观次数": round(n / 21)})
    return pd.DataFrame(rows)


def deliverables() -> pd.DataFrame:
    rows = []
    for item, counts in (
        ("党校微课堂", MICRO_LECTURES),
        ("党校干部培训", CADRE_CLASSES),
        ("体荟魔都主题活动", THEME_EVENTS),
        ("新进人员入职培训", INDUCTION),
    ):
        for m, n in enumerate(counts, start=1):
            rows.append({"项目名称": TRAINING, "月份": _month(m), "事项": item, "数量": n, "备注": ""})
    return pd.DataFrame(rows)


def indicator_values() -> pd.DataFrame:
    rows = []
    for (project, indicator), by_month in RATED.items():
        for m, (value, rating, likelihood, reason, measures, note) in by_month.items():
            rows.append(
                {
                    "项目名称": project,
                    "三级指标": indicator,
                    "月份": _month(m),
                    "实际值": "" if value is None else f"{value:g}",
                    "评级": rating or "",
                    "完成目标可能性": likelihood or "",
                    "偏差原因": reason or "",
                    "纠偏措施": measures or "",
                    "佐证材料": "",
                    "备注": note or "",
                }
            )
    for m in range(1, 13):  # major safety failures of the data centre, by month: none
        rows.append(
            {
                "项目名称": IT,
                "三级指标": "市体育局数据中心稳定运行",
                "月份": _month(m),
                "实际值": "0",
                "评级": "",
                "完成目标可能性": "",
                "偏差原因": "",
                "纠偏措施": "",
                "佐证材料": "",
                "备注": "重大安全故障起数",
            }
        )
    return pd.DataFrame(rows)


def references() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"项目名称": p, "三级指标": i, "月份": _month(m), "类型": t, "数值": v, "备注": n}
            for p, i, m, t, v, n in REFERENCES
        ]
    )


SUMMARIES = {
    IT: "全年完成互联网应用云检测巡检、直属单位信息系统季度安全检测、政务云数据迁移和公务网年度维护；等保测评得分86分，"
    "局官网年度测评为全市优秀网站，全年无重大安全故障。",
    HOTLINE: "全年处理12345流转工单1,257件，接单率100%，按期接单率99.4%，办结率95.2%；热线数据库每周更新，"
    "体育消费调查完成问卷采集与数据分析。",
    MUSEUM: "完成展陈设计、施工招标与改建施工，12月试运行；藏品拍卖、社会征集按计划完成，收购完成92%；"
    "受疫情和闭馆改建影响，全年参观人数较上年大幅下降。",
    TRAINING: "举办领导干部培训和年轻干部培训2期、新进人员入职培训1期，发布党校微课堂50期，举办“体荟魔都”主题活动8期；"
    "教练员中级岗位培训延至次年。",
    PUBLICITY: "完成市民运动会等重大赛事宣传报道，《健身时代》栏目全年播出；舆情监控全年366天，53起热点及负面舆情中"
    "52起在1小时内上报。",
}


def summaries() -> pd.DataFrame:
    return pd.DataFrame([{"项目名称": p, "月份": "2020-12", "实际完成情况": text} for p, text in SUMMARIES.items()])


def adjustments() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"项目名称": p, "生效月份": _month(m), "调整后预算数（元）": f"{b:.2f}", "调整原因": why, "批准文号": ref}
            for p, m, b, why, ref in ADJUSTMENTS
        ]
    )


def revisions() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"项目名称": p, "三级指标": i, "生效月份": _month(m), "调整后指标值": t, "调整原因": why}
            for p, i, m, t, why in REVISIONS
        ]
    )


def demo_frames() -> dict[str, pd.DataFrame]:
    """File name → table, in the order they load."""
    tickets = hotline_tickets()
    return {
        "budget_adjustments_2020.csv": adjustments(),
        "budget_2020.csv": budget_rows(),
        "target_revisions_2020.csv": revisions(),
        "hotline_tickets_2020.csv": tickets,
        "hotline_month_2020.csv": hotline_month(tickets),
        "opinion_events_2020.csv": opinion_events(),
        "opinion_hours_2020.csv": opinion_hours(),
        "visitors_2019_2020.csv": visitors(),
        "deliverables_2020.csv": deliverables(),
        "indicator_values_2020.csv": indicator_values(),
        "reference_values_2020.csv": references(),
        "summary_2020.csv": summaries(),
    }


def write_demo_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in demo_frames().items():
        path = folder / name
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths
