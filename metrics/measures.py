"""Measures to date: what each stream adds up to by the end of an as-of month, computed in SQL.

One SQL per stream (``Measure``), with named parameters: ``$start`` and ``$end`` (the first and the
as-of month), ``$next`` (the first day after the as-of month: what happened from then on is not yet
known and never counts), ``$year``, ``$month``, and the limits of the caller's ``Config`` (hotline acceptance,
opinion response, daily hours), so a limit and the light that judges it come from the same one.
The status engine runs each measure its rules need once per as-of month (``run_all``); ``run`` runs one.

Rates are ratios of sums (never averages of monthly percentages).  Only current rows count
(``replaced_by IS NULL``); earlier revisions stay for history.  ``months_mask`` has bit m set for
each month m reported, and ``n_months`` counts them, so a gap is found without a list.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import pandas as pd

from core.config import Config


@dataclass(frozen=True)
class Measure:
    name: str
    key: str  # how it joins an indicator row: "project", "indicator", "item" (project and item) or "month"
    sql: str
    limits: Callable[[Config], dict] = lambda config: {}

    def params(self, year: int, month: int, config: Config) -> dict:
        following = f"{year + 1}-01-01" if month == 12 else f"{year}-{month + 1:02d}-01"
        used = {"start": f"{year}-01-01", "end": f"{year}-{month:02d}-01", "next": following}
        used |= {"year": year, "month": month}
        used |= self.limits(config)
        return {k: v for k, v in used.items() if f"${k}" in self.sql}


BUDGET = Measure(
    "budget",
    "project",
    """
    SELECT p.project_id,
           coalesce(sum(b.spent), 0)::DOUBLE AS spent,
           coalesce(sum(b.received), 0)::DOUBLE AS received,
           CASE WHEN p.budget > 0 THEN coalesce(sum(b.spent), 0) / p.budget END::DOUBLE AS execution_rate,
           CASE WHEN p.budget > 0 THEN coalesce(sum(b.received), 0) / p.budget END::DOUBLE AS funds_rate,
           coalesce(bit_or(1::BIGINT << month(b.month)), 0) AS months_mask,
           count(DISTINCT b.month) AS n_months
    FROM project p
    LEFT JOIN budget_month b
           ON b.project_id = p.project_id AND b.replaced_by IS NULL
          AND b.month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    WHERE p.year = $year
    GROUP BY p.project_id, p.budget
    """,
)

# A month's figures come from the ticket-level export where there is one, else from the monthly report.
# As of means as of: a ticket counts as accepted or closed only if that happened before the as-of month
# ended ($next). A closed 工单状态 without a 办结时间 is known only from the export itself, so it counts
# from the latest month the export covers. A monthly report states the closures made within its month.
_HOTLINE_MONTHS = """
    WITH latest AS (
        SELECT project_id, max(month) AS last_month FROM hotline_ticket
        WHERE replaced_by IS NULL AND year(month) = $year GROUP BY project_id
    ), tickets AS (
        SELECT t.project_id, t.month,
               count(*) AS received,
               count(*) FILTER (WHERE t.accepted_at < CAST($next AS TIMESTAMP)) AS accepted,
               count(*) FILTER (WHERE t.accepted_at < CAST($next AS TIMESTAMP)
                                  AND t.accepted_at <= coalesce(t.accept_due_at, t.received_at
                                      + to_microseconds(CAST($accept_hours * 3600e6 AS BIGINT)))) AS accepted_on_time,
               count(*) FILTER (WHERE t.closed_at < CAST($next AS TIMESTAMP)
                                   OR (t.closed_at IS NULL AND list_contains($closed_states, trim(t.state))
                                       AND l.last_month <= CAST($end AS DATE))) AS closed
        FROM hotline_ticket t JOIN latest l USING (project_id)
        WHERE t.replaced_by IS NULL AND t.month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
        GROUP BY t.project_id, t.month
    ), monthly AS (
        SELECT project_id, month, received, accepted, accepted_on_time, closed
        FROM hotline_month m
        WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
          AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.project_id = m.project_id AND t.month = m.month)
    ), both_ AS (SELECT * FROM tickets UNION ALL SELECT * FROM monthly)
"""


def _hotline_limits(config: Config) -> dict:
    return {"accept_hours": config.hotline.accept_limit_hours, "closed_states": list(config.hotline.closed_states)}


HOTLINE = Measure(
    "hotline",
    "project",
    _HOTLINE_MONTHS
    + """
    SELECT project_id,
           sum(received)::BIGINT AS received, sum(accepted)::BIGINT AS accepted,
           sum(accepted_on_time)::BIGINT AS accepted_on_time, sum(closed)::BIGINT AS closed,
           (sum(accepted) / nullif(sum(received), 0))::DOUBLE AS accept_rate,
           (sum(accepted_on_time) / nullif(sum(received), 0))::DOUBLE AS ontime_rate,
           (sum(closed) / nullif(sum(received), 0))::DOUBLE AS close_rate,
           bit_or(1::BIGINT << month(month)) AS months_mask,
           count(DISTINCT month) AS n_months
    FROM both_ GROUP BY project_id
    """,
    _hotline_limits,
)

# Per project and month (for targets that every month must meet): the same counts, month by month.
HOTLINE_MONTHS = Measure(
    "hotline_months",
    "month",
    _HOTLINE_MONTHS
    + """
    SELECT project_id, month(month) AS m, received::BIGINT AS received, accepted::BIGINT AS accepted,
           accepted_on_time::BIGINT AS accepted_on_time, closed::BIGINT AS closed
    FROM both_
    """,
    _hotline_limits,
)

# Response time is from the event appearing to it being reported (发现、上报 within the limit).
OPINION_EVENTS = Measure(
    "opinion_events",
    "project",
    """
    SELECT project_id,
           count(*) AS events,
           (max(epoch(reported_at) - epoch(appeared_at)) / 3600)::DOUBLE AS slowest_hours,
           arg_max(event_id, epoch(reported_at) - epoch(appeared_at)) AS slowest_event,
           bit_or(1::BIGINT << month(month)) AS months_mask,
           count(DISTINCT month) AS n_months
    FROM opinion_event
    WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
      AND reported_at < CAST($next AS TIMESTAMP)
    GROUP BY project_id
    """,
)

# Per indicator bound to opinion_report_within: the events reported within its own limit (the target's
# hours, else opinion.report_limit_hours), so the count and the light that judges it use one limit.
OPINION_WITHIN = Measure(
    "opinion_within",
    "indicator",
    """
    SELECT i.indicator_id, coalesce(i.target_value, $limit_hours)::DOUBLE AS limit_hours,
           count(*) FILTER (WHERE e.reported_at - e.appeared_at
                            <= to_microseconds(CAST(coalesce(i.target_value, $limit_hours) * 3600e6 AS BIGINT)))
               AS within_limit
    FROM indicator i
    JOIN binding b ON b.indicator_id = i.indicator_id AND b.rule = 'opinion_report_within'
    JOIN opinion_event e ON e.project_id = i.project_id
    WHERE e.replaced_by IS NULL AND e.month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
      AND e.reported_at < CAST($next AS TIMESTAMP)
    GROUP BY i.indicator_id, i.target_value
    """,
    lambda config: {"limit_hours": config.opinion.report_limit_hours},
)

OPINION_HOURS = Measure(
    "opinion_hours",
    "project",
    """
    SELECT project_id, count(*) AS days, min(hours)::DOUBLE AS min_hours, avg(hours)::DOUBLE AS avg_hours,
           bit_or(1::BIGINT << month(month)) AS months_mask,
           count(DISTINCT month) AS n_months
    FROM opinion_hours
    WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY project_id
    """,
)

# Per indicator bound to opinion_daily_hours: the days under its own minimum (the target's hours, else
# opinion.daily_hours_minimum), and the first of them.
OPINION_SHORT_DAYS = Measure(
    "opinion_short_days",
    "indicator",
    """
    SELECT i.indicator_id, coalesce(nullif(i.target_value, 0), $min_hours)::DOUBLE AS minimum,
           count(*) FILTER (WHERE h.hours < coalesce(nullif(i.target_value, 0), $min_hours)) AS days_under,
           CAST(min(h.day) FILTER (WHERE h.hours < coalesce(nullif(i.target_value, 0), $min_hours)) AS VARCHAR)
               AS first_short_day
    FROM indicator i
    JOIN binding b ON b.indicator_id = i.indicator_id AND b.rule = 'opinion_daily_hours'
    JOIN opinion_hours h ON h.project_id = i.project_id
    WHERE h.replaced_by IS NULL AND h.month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY i.indicator_id, i.target_value
    """,
    lambda config: {"min_hours": config.opinion.daily_hours_minimum},
)

# Visitors and visits to date against the same months of the year before.
VISITORS = Measure(
    "visitors",
    "project",
    """
    SELECT *, (visitors / nullif(baseline_visitors, 0) - 1)::DOUBLE AS visitors_change,
           (visits / nullif(baseline_visits, 0) - 1)::DOUBLE AS visits_change
    FROM (
        SELECT v.project_id,
               sum(visitors) FILTER (WHERE year(month) = $year)::BIGINT AS visitors,
               sum(visits) FILTER (WHERE year(month) = $year)::BIGINT AS visits,
               sum(visitors) FILTER (WHERE year(month) = $year - 1)::BIGINT AS baseline_visitors,
               sum(visits) FILTER (WHERE year(month) = $year - 1)::BIGINT AS baseline_visits,
               count(DISTINCT month) FILTER (WHERE year(month) = $year - 1) AS baseline_months,
               coalesce(bit_or(1::BIGINT << month(month)) FILTER (WHERE year(month) = $year), 0) AS months_mask,
               count(DISTINCT month) FILTER (WHERE year(month) = $year) AS n_months
        FROM visitors_month v
        WHERE replaced_by IS NULL AND month(month) <= $month AND year(month) IN ($year, $year - 1)
        GROUP BY v.project_id
    ) s
    """,
)

# Per project and item: the count to date.
DELIVERABLES = Measure(
    "deliverables",
    "item",
    """
    SELECT project_id, item, sum(count)::BIGINT AS count_to_date
    FROM deliverable_month
    WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY project_id, item
    """,
)

# Per project: the months in which any deliverable was reported (a project reports all its items at once).
DELIVERABLE_MONTHS = Measure(
    "deliverable_months",
    "project",
    """
    SELECT project_id, bit_or(1::BIGINT << month(month)) AS months_mask, count(DISTINCT month) AS n_months
    FROM deliverable_month
    WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY project_id
    """,
)

# Per indicator: the latest value and rating entered up to the month, and the sum of values.
VALUES = Measure(
    "values",
    "indicator",
    """
    SELECT indicator_id,
           arg_max(value, month) FILTER (WHERE value IS NOT NULL) AS latest_value,
           max(month) FILTER (WHERE value IS NOT NULL) AS value_month,
           arg_max(rating, month) FILTER (WHERE rating IS NOT NULL) AS latest_rating,
           max(month) FILTER (WHERE rating IS NOT NULL) AS rating_month,
           arg_max(likelihood, month) FILTER (WHERE likelihood IS NOT NULL) AS likelihood,
           sum(value)::DOUBLE AS value_sum
    FROM indicator_value
    WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY indicator_id
    """,
)

# Per indicator: the latest baseline and reference values that apply by the month.
REFERENCES = Measure(
    "references",
    "indicator",
    """
    SELECT indicator_id,
           arg_max(value, month) FILTER (WHERE ref_type = 'baseline') AS baseline,
           arg_max(value, month) FILTER (WHERE ref_type = 'reference') AS reference
    FROM reference_value
    WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY indicator_id
    """,
)

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        BUDGET,
        HOTLINE,
        HOTLINE_MONTHS,
        OPINION_EVENTS,
        OPINION_WITHIN,
        OPINION_HOURS,
        OPINION_SHORT_DAYS,
        VISITORS,
        DELIVERABLES,
        DELIVERABLE_MONTHS,
        VALUES,
        REFERENCES,
    )
}


def run(con: duckdb.DuckDBPyConnection, measure: Measure, year: int, month: int, config: Config) -> pd.DataFrame:
    """One measure alone, one row per key."""
    order = {
        "project": "project_id",
        "indicator": "indicator_id",
        "item": "project_id, item",
        "month": "project_id, m",
    }[measure.key]
    return frame(con, f"SELECT * FROM ({measure.sql}) ORDER BY {order}", measure.params(year, month, config))


def run_all(
    con: duckdb.DuckDBPyConnection, names: list[str], year: int, month: int, config: Config
) -> dict[str, pd.DataFrame]:
    """The named measures, two at a time: DuckDB works while Python waits, so the queries overlap.

    Each runs on its own cursor (a connection to the same database): only committed data is read,
    which is all a status ever reads.
    """

    def one(measure: Measure) -> pd.DataFrame:
        cursor = con.cursor()
        try:
            return run(cursor, measure, year, month, config)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        frames = pool.map(one, [MEASURES[name] for name in names])
        return dict(zip(names, frames, strict=True))


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | list) -> pd.DataFrame:
    """A query's rows as a DataFrame, through Arrow (strings stay Arrow-backed: several times faster than ``df``).

    A relation may not start while an ``execute`` result is half read (a ``fetchone``): finish it first.
    """
    con.complete()
    return con.sql(sql, params=params).to_arrow_table().to_pandas()


def budget_by_month(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Per project and month: spending and cumulative 执行率 (the S-curve)."""
    return con.execute(
        """
        SELECT b.project_id, month(b.month) AS month, any_value(p.budget)::DOUBLE AS budget,
               sum(b.spent)::DOUBLE AS spent,
               sum(sum(b.spent)) OVER (PARTITION BY b.project_id ORDER BY month(b.month))::DOUBLE AS spent_to_date,
               (sum(sum(b.spent)) OVER (PARTITION BY b.project_id ORDER BY month(b.month)) / any_value(p.budget))::DOUBLE
                   AS execution_rate
        FROM budget_month b JOIN project p USING (project_id)
        WHERE b.replaced_by IS NULL AND p.year = ? AND year(b.month) = ?
        GROUP BY b.project_id, month(b.month)
        ORDER BY b.project_id, month
        """,
        [year, year],
    ).df()
