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

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import pandas as pd
import pyarrow as pa

from core.config import Config

T = TypeVar("T")


@dataclass(frozen=True)
class Measure:
    name: str
    key: str  # how it joins an indicator row: "project", "indicator", "item" (project and item) or "month"
    sql: str
    limits: Callable[[Config], dict] = lambda config: {}
    # Optional: a month-independent first step (``rows``, with $year and the limits only) whose result the
    # ``sql`` reads as the relation ``rows_name``. Run alone, the two are one query (``run``); a caller that
    # keeps the rows of a data version (``year_rows``) runs only the month's step over them (``run_all``).
    rows: str = ""
    rows_name: str = ""

    def params(self, year: int, month: int, config: Config, text: str | None = None) -> dict:
        """The parameters ``text`` (by default the measure's own SQL and rows) names."""
        following = f"{year + 1}-01-01" if month == 12 else f"{year}-{month + 1:02d}-01"
        used = {"start": f"{year}-01-01", "end": f"{year}-{month:02d}-01", "next": following}
        used |= {"year": year, "month": month}
        used |= self.limits(config)
        text = self.rows + self.sql if text is None else text
        return {k: v for k, v in used.items() if f"${k}" in text}


# Spending and funds to date against the budget in force at the as-of month (the latest adjustment up to
# it, else the project's 全年预算数). A cumulative row ("1–m月执行数", ``spent_to_date``) states the
# figure to date at its month and covers months 1…m; monthly rows after it add to it.
BUDGET = Measure(
    "budget",
    "project",
    """
    WITH rows_ AS (
        SELECT * FROM budget_month
        WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    ), cumulative AS (
        SELECT project_id, max(month) AS c_month, arg_max(spent_to_date, month) AS c_spent,
               arg_max(coalesce(received_to_date, 0), month) AS c_received
        FROM rows_ WHERE spent_to_date IS NOT NULL GROUP BY project_id
    ), sums AS (
        SELECT r.project_id,
               coalesce(any_value(c.c_spent), 0) + coalesce(sum(r.spent) FILTER (
                   WHERE r.spent_to_date IS NULL AND (c.c_month IS NULL OR r.month > c.c_month)), 0) AS spent,
               coalesce(any_value(c.c_received), 0) + coalesce(sum(r.received) FILTER (
                   WHERE r.spent_to_date IS NULL AND (c.c_month IS NULL OR r.month > c.c_month)), 0) AS received,
               coalesce(bit_or(1::BIGINT << month(r.month)) FILTER (WHERE r.spent_to_date IS NULL), 0)
                   | coalesce(any_value((1::BIGINT << (month(c.c_month) + 1)) - 2), 0) AS months_mask
        FROM rows_ r LEFT JOIN cumulative c USING (project_id)
        GROUP BY r.project_id
    ), in_force AS (
        SELECT project_id, arg_max(budget, month) AS adjusted, max(month) AS adjusted_month
        FROM budget_adjustment
        WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
        GROUP BY project_id
    )
    SELECT p.project_id,
           coalesce(s.spent, 0)::DOUBLE AS spent,
           coalesce(s.received, 0)::DOUBLE AS received,
           coalesce(a.adjusted, p.budget)::DOUBLE AS budget_in_force,
           a.adjusted_month,
           CASE WHEN coalesce(a.adjusted, p.budget) > 0
                THEN coalesce(s.spent, 0) / coalesce(a.adjusted, p.budget) END::DOUBLE AS execution_rate,
           CASE WHEN coalesce(a.adjusted, p.budget) > 0
                THEN coalesce(s.received, 0) / coalesce(a.adjusted, p.budget) END::DOUBLE AS funds_rate,
           coalesce(s.months_mask, 0) AS months_mask,
           bit_count(coalesce(s.months_mask, 0)) AS n_months
    FROM project p
    LEFT JOIN sums s USING (project_id)
    LEFT JOIN in_force a USING (project_id)
    WHERE p.year = $year
    """,
)

# A month's figures come from the ticket-level export where there is one, else from the monthly report.
# As of means as of: a ticket counts as accepted or closed only if that happened before the as-of month
# ended ($next). A closed 工单状态 without a 办结时间 is known only from the export itself, so it counts
# from the latest month the export covers. A monthly report states the closures made within its month.
#
# The tickets are first counted once per data version, whatever the month (``_TICKET_ROWS``): per project
# and month, by the month each was accepted and closed in, whether in time, and whether its state says
# closed. A time is before $next (the first day of a month) exactly when its month is, so the month's step
# adds up those counts with the same tests as on the tickets themselves.
_TICKET_ROWS = """
    WITH latest AS (
        SELECT project_id, max(month) AS last_month FROM hotline_ticket
        WHERE replaced_by IS NULL AND year(month) = $year GROUP BY project_id
    )
    SELECT t.project_id, t.month, l.last_month,
           date_trunc('month', t.accepted_at) AS accepted_month,
           t.accepted_at <= coalesce(t.accept_due_at, t.received_at
               + to_microseconds(CAST($accept_hours * 3600e6 AS BIGINT))) AS in_time,
           date_trunc('month', t.closed_at) AS closed_month,
           t.closed_at IS NULL AND list_contains($closed_states, trim(t.state)) AS closed_state,
           count(*) AS n
    FROM hotline_ticket t JOIN latest l USING (project_id)
    WHERE t.replaced_by IS NULL AND year(t.month) = $year
    GROUP BY ALL
"""
_HOTLINE_MONTHS = """
    WITH tickets AS (
        SELECT project_id, month,
               sum(n)::BIGINT AS received,
               coalesce(sum(n) FILTER (WHERE accepted_month < CAST($next AS TIMESTAMP)), 0)::BIGINT AS accepted,
               coalesce(sum(n) FILTER (WHERE accepted_month < CAST($next AS TIMESTAMP) AND in_time), 0)::BIGINT
                   AS accepted_on_time,
               coalesce(sum(n) FILTER (WHERE closed_month < CAST($next AS TIMESTAMP)
                                            OR (closed_state AND last_month <= CAST($end AS DATE))), 0)::BIGINT
                   AS closed
        FROM ticket_rows
        WHERE month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
        GROUP BY project_id, month
    ), monthly AS (
        SELECT project_id, month, received, accepted, accepted_on_time, closed
        FROM hotline_month m
        WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
          AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.project_id = m.project_id AND t.month = m.month)
    ), both_ AS (SELECT * FROM tickets UNION ALL SELECT * FROM monthly)
"""


def _hotline_limits(config: Config) -> dict:
    return {"accept_hours": config.hotline.accept_limit_hours, "closed_states": list(config.hotline.closed_states)}


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
    _TICKET_ROWS,
    "ticket_rows",
)

# Per project: the months added up. Read from the month-by-month rows, so when a status needs both (every
# hotline rule does) the tickets are scanned once (``run_all``), not once for each.
_HOTLINE_TOTALS = """
    SELECT project_id,
           sum(received)::BIGINT AS received, sum(accepted)::BIGINT AS accepted,
           sum(accepted_on_time)::BIGINT AS accepted_on_time, sum(closed)::BIGINT AS closed,
           (sum(accepted) / nullif(sum(received), 0))::DOUBLE AS accept_rate,
           (sum(accepted_on_time) / nullif(sum(received), 0))::DOUBLE AS ontime_rate,
           (sum(closed) / nullif(sum(received), 0))::DOUBLE AS close_rate,
           bit_or(1::BIGINT << m) AS months_mask,
           count(DISTINCT m) AS n_months
    FROM hotline_months GROUP BY project_id
"""

HOTLINE = Measure(
    "hotline",
    "project",
    f"WITH hotline_months AS ({HOTLINE_MONTHS.sql}) {_HOTLINE_TOTALS}",
    _hotline_limits,
    _TICKET_ROWS,
    "ticket_rows",
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
# Per project and item: the count to date (a cumulative row, ``count_to_date``, states it at its month;
# monthly rows after it add to it).
DELIVERABLES = Measure(
    "deliverables",
    "item",
    """
    WITH rows_ AS (
        SELECT * FROM deliverable_month
        WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    ), cumulative AS (
        SELECT project_id, item, max(month) AS c_month, arg_max(count_to_date, month) AS c_count
        FROM rows_ WHERE count_to_date IS NOT NULL GROUP BY project_id, item
    )
    SELECT r.project_id, r.item,
           (coalesce(any_value(c.c_count), 0) + coalesce(sum(r.count) FILTER (
               WHERE r.count_to_date IS NULL AND (c.c_month IS NULL OR r.month > c.c_month)), 0))::BIGINT
               AS count_to_date
    FROM rows_ r LEFT JOIN cumulative c USING (project_id, item)
    GROUP BY r.project_id, r.item
    """,
)

# Per project: the months in which any deliverable was reported (a project reports all its items at once);
# a cumulative row covers months 1…m.
DELIVERABLE_MONTHS = Measure(
    "deliverable_months",
    "project",
    """
    SELECT project_id, mask AS months_mask, bit_count(mask) AS n_months
    FROM (
        SELECT project_id,
               coalesce(bit_or(1::BIGINT << month(month)) FILTER (WHERE count_to_date IS NULL), 0)
                 | coalesce(bit_or((1::BIGINT << (month(month) + 1)) - 2) FILTER (WHERE count_to_date IS NOT NULL), 0)
                 AS mask
        FROM deliverable_month
        WHERE replaced_by IS NULL AND month BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
        GROUP BY project_id
    )
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


# Every table a measure reads, and how its rows belong to a project: within ``only_project`` each is
# replaced (a CTE of the same name) by that project's rows, so a project's measures read only its data.
PROJECT_ROWS = {
    "project": "SELECT * FROM main.project WHERE project_id = $scope",
    "indicator": "SELECT * FROM main.indicator WHERE project_id = $scope",
    "binding": "SELECT * FROM main.binding WHERE indicator_id IN (SELECT indicator_id FROM main.indicator"
    " WHERE project_id = $scope)",
    "indicator_value": "SELECT * FROM main.indicator_value WHERE indicator_id IN (SELECT indicator_id"
    " FROM main.indicator WHERE project_id = $scope)",
    "reference_value": "SELECT * FROM main.reference_value WHERE indicator_id IN (SELECT indicator_id"
    " FROM main.indicator WHERE project_id = $scope)",
    **{
        table: f"SELECT * FROM main.{table} WHERE project_id = $scope"
        for table in (
            "budget_month",
            "budget_adjustment",
            "deliverable_month",
            "hotline_month",
            "hotline_ticket",
            "opinion_event",
            "opinion_hours",
            "visitors_month",
        )
    },
}
_SCOPE: ContextVar[int | None] = ContextVar("measures_scope", default=None)


@contextmanager
def only_project(project_id: int) -> Iterator[None]:
    """Within this block every measure reads only one project's rows (a project's status month by month).

    Measures are per project or per indicator, so the project's figures are the same as in the whole
    year's run; what changes is the cost: a month of one project instead of a month of the city."""
    token = _SCOPE.set(project_id)
    try:
        yield
    finally:
        _SCOPE.reset(token)


ORDER = {"project": "project_id", "indicator": "indicator_id", "item": "project_id, item", "month": "project_id, m"}

# A measure read from another measure's rows when both are asked for: the rows are scanned once.
FROM_ROWS_OF = {"hotline": ("hotline_months", _HOTLINE_TOTALS)}
# The scans of the largest tables start first, so that the two at a time end together.
LONGEST_FIRST = ("hotline_months", "hotline", "values", "opinion_hours", "opinion_events", "budget")


def with_clauses(measure: Measure, scoped: bool, rows_kept: bool = False) -> list[str]:
    """The relations a measure's SQL reads besides the tables: the project's own rows when ``scoped``
    (``PROJECT_ROWS``, under the tables' names), and its month-independent step unless its rows are kept."""
    ctes = [f"{name} AS ({sql})" for name, sql in PROJECT_ROWS.items()] if scoped else []
    if measure.rows and not rows_kept:
        ctes.append(f"{measure.rows_name} AS ({measure.rows})")
    return ctes


def _table(
    con: duckdb.DuckDBPyConnection,
    measure: Measure,
    year: int,
    month: int,
    config: Config,
    scope: int | None,
    kept: Mapping[str, pa.Table] | None = None,
) -> pa.Table:
    rows_kept = bool(measure.rows and scope is None and kept and measure.rows_name in kept)
    if rows_kept:
        con.register(measure.rows_name, kept[measure.rows_name])  # the rows kept: the month's step only
    ctes = with_clauses(measure, scope is not None, rows_kept)
    prefix = "WITH " + ", ".join(ctes) + " " if ctes else ""
    text = f"{prefix}SELECT * FROM ({measure.sql}) ORDER BY {ORDER[measure.key]}"
    params = measure.params(year, month, config, text)
    if scope is not None:
        params["scope"] = scope
    con.complete()
    return con.sql(text, params=params).to_arrow_table()


def run(
    con: duckdb.DuckDBPyConnection,
    measure: Measure,
    year: int,
    month: int,
    config: Config,
    scope: int | None = None,
) -> pd.DataFrame:
    """One measure alone, one row per key (``scope``: only that project's rows, see ``only_project``)."""
    return _table(con, measure, year, month, config, scope).to_pandas()


def year_rows(con: duckdb.DuckDBPyConnection, names: list[str], year: int, config: Config) -> dict[str, pa.Table]:
    """The month-independent rows of the named measures that have them (``Measure.rows``), by ``rows_name``:
    what a caller keeps per data version and configuration and hands to ``run_all`` for every month."""
    out: dict[str, pa.Table] = {}
    for measure in (MEASURES[name] for name in names):
        if measure.rows and measure.rows_name not in out:
            con.complete()
            used = measure.params(year, 12, config, measure.rows)  # the rows name $year and the limits only
            out[measure.rows_name] = con.sql(measure.rows, params=used).to_arrow_table()
    return out


def two_at_a_time(
    con: duckdb.DuckDBPyConnection, names: list[str], read: Callable[[duckdb.DuckDBPyConnection, str], T]
) -> dict[str, T]:
    """``read(cursor, name)`` for each measure named, two at a time, each on a cursor of its own (a
    connection to the same database: only committed data is read), the longest first so that the two
    end together."""
    ordered = sorted(names, key=lambda n: LONGEST_FIRST.index(n) if n in LONGEST_FIRST else len(LONGEST_FIRST))

    def one(name: str) -> T:
        cursor = con.cursor()
        try:
            return read(cursor, name)
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(ordered, pool.map(one, ordered), strict=True))


def run_all(
    con: duckdb.DuckDBPyConnection,
    names: list[str],
    year: int,
    month: int,
    config: Config,
    kept: Mapping[str, pa.Table] | None = None,
) -> dict[str, pd.DataFrame]:
    """The named measures, two at a time: DuckDB works while Python waits, so the queries overlap.

    Each runs on its own cursor (a connection to the same database): only committed data is read,
    which is all a status ever reads.  A measure of ``FROM_ROWS_OF`` whose source is also asked for is
    then added up from the source's rows (the same SQL as when it runs alone, over those rows).
    ``kept``: rows of ``year_rows`` for this year and configuration (ignored within ``only_project``).
    """

    scope = _SCOPE.get()  # read here: the pool's threads do not carry this thread's context
    derived = {n: FROM_ROWS_OF[n] for n in names if n in FROM_ROWS_OF and FROM_ROWS_OF[n][0] in names}
    direct = [n for n in names if n not in derived]
    tables = two_at_a_time(
        con, direct, lambda cursor, name: _table(cursor, MEASURES[name], year, month, config, scope, kept)
    )
    for name, (source, sql) in derived.items():
        cursor = con.cursor()
        try:
            cursor.register(source, tables[source])
            tables[name] = cursor.sql(f"SELECT * FROM ({sql}) ORDER BY {ORDER[MEASURES[name].key]}").to_arrow_table()
        finally:
            cursor.close()
    return {name: tables[name].to_pandas() for name in names}


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | list) -> pd.DataFrame:
    """A query's rows as a DataFrame, through Arrow (strings stay Arrow-backed: several times faster than ``df``).

    A relation may not start while an ``execute`` result is half read (a ``fetchone``): finish it first.
    """
    con.complete()
    return con.sql(sql, params=params).to_arrow_table().to_pandas()


def budget_by_month(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Per project and reported month: spending to date and 执行率 against the budget in force (the S-curve).

    A cumulative row starts a new run: its figure to date, then the monthly rows after it added on.
    """
    return con.execute(
        """
        WITH rows_ AS (
            SELECT b.project_id, month(b.month) AS month, b.month AS first_day, p.budget,
                   b.spent, b.spent_to_date,
                   sum(CASE WHEN b.spent_to_date IS NULL THEN 0 ELSE 1 END)
                       OVER (PARTITION BY b.project_id ORDER BY b.month) AS run
            FROM budget_month b JOIN project p USING (project_id)
            WHERE b.replaced_by IS NULL AND p.year = ? AND year(b.month) = ?
        ), to_date AS (
            SELECT project_id, month, first_day, budget,
                   coalesce(max(spent_to_date) OVER (PARTITION BY project_id, run), 0)
                     + sum(CASE WHEN spent_to_date IS NULL THEN spent ELSE 0 END)
                         OVER (PARTITION BY project_id, run ORDER BY month) AS spent_to_date
            FROM rows_
        )
        SELECT t.project_id, t.month,
               coalesce((SELECT arg_max(a.budget, a.month) FROM budget_adjustment a
                         WHERE a.project_id = t.project_id AND a.replaced_by IS NULL
                           AND a.month BETWEEN make_date(?, 1, 1) AND t.first_day), t.budget)::DOUBLE AS budget,
               (t.spent_to_date - coalesce(lag(t.spent_to_date) OVER (PARTITION BY t.project_id ORDER BY t.month), 0))
                   ::DOUBLE AS spent,
               t.spent_to_date::DOUBLE AS spent_to_date,
               (t.spent_to_date / nullif(coalesce((SELECT arg_max(a.budget, a.month) FROM budget_adjustment a
                         WHERE a.project_id = t.project_id AND a.replaced_by IS NULL
                           AND a.month BETWEEN make_date(?, 1, 1) AND t.first_day), t.budget), 0))::DOUBLE
                   AS execution_rate
        FROM to_date t
        ORDER BY t.project_id, t.month
        """,
        [year, year, year, year],
    ).df()
