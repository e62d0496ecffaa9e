"""Measures to date: what each stream adds up to by the end of an as-of month, computed in SQL.

Measures with a limit (hotline acceptance, opinion response, daily hours) take the caller's
configuration, so the limit and the light that judges it come from the same one.

Rates are ratios of sums (never averages of monthly percentages).  Only current rows
count (``replaced_by IS NULL``); earlier revisions stay for history.  Every function
takes a connection, the year and the as-of month, and returns one DataFrame.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from core.config import effective_config


def _query(con: duckdb.DuckDBPyConnection, sql: str, params: list, as_records: bool):
    """A DataFrame, or plain dicts (cheaper when every row is visited in Python, as the judges do)."""
    cursor = con.execute(sql, params)
    if not as_records:
        return cursor.df()
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _period(year: int, month: int) -> list:
    return [f"{year}-01-01", f"{year}-{month:02d}-01"]


def budget_to_date(con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False):
    """Per project: spent and received to date, 执行率 and 到位率 against 当年预算, months reported."""
    return _query(
        con,
        """
        SELECT p.project_id,
               CAST(p.budget AS DOUBLE) AS budget,
               coalesce(sum(b.spent), 0)::DOUBLE AS spent,
               coalesce(sum(b.received), 0)::DOUBLE AS received,
               CASE WHEN p.budget > 0 THEN coalesce(sum(b.spent), 0) / p.budget END::DOUBLE AS execution_rate,
               CASE WHEN p.budget > 0 THEN coalesce(sum(b.received), 0) / p.budget END::DOUBLE AS funds_rate,
               coalesce(list_sort(list(DISTINCT month(b.month)) FILTER (WHERE b.month IS NOT NULL)), [])
                   AS months_reported
        FROM project p
        LEFT JOIN budget_month b
               ON b.project_id = p.project_id AND b.replaced_by IS NULL
              AND b.month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        WHERE p.year = ?
        GROUP BY p.project_id, p.budget
        ORDER BY p.project_id
        """,
        [*_period(year, month), year],
        as_records,
    )


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


def hotline_to_date(
    con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False, config: dict | None = None
):
    """Per project: tickets received, accepted, accepted on time, closed to date, and their rates.

    A month's figures come from the ticket-level export where there is one, else from the monthly report.
    """
    cfg = (config or effective_config(con))["hotline"]
    closed_states = list(cfg["closed_states"])
    return _query(
        con,
        """
        WITH tickets AS (
            SELECT project_id, month,
                   count(*) AS received,
                   count(accepted_at) AS accepted,
                   count(*) FILTER (WHERE accepted_at <= coalesce(accept_due_at,
                                    received_at + INTERVAL (?) HOUR)) AS accepted_on_time,
                   count(*) FILTER (WHERE closed_at IS NOT NULL OR list_contains(?, trim(state))) AS closed
            FROM hotline_ticket
            WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
            GROUP BY project_id, month
        ), monthly AS (
            SELECT project_id, month, received, accepted, accepted_on_time, closed
            FROM hotline_month m
            WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
              AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.project_id = m.project_id AND t.month = m.month)
        ), both_ AS (SELECT * FROM tickets UNION ALL SELECT * FROM monthly)
        SELECT project_id,
               sum(received)::BIGINT AS received, sum(accepted)::BIGINT AS accepted,
               sum(accepted_on_time)::BIGINT AS accepted_on_time, sum(closed)::BIGINT AS closed,
               (sum(accepted) / nullif(sum(received), 0))::DOUBLE AS accept_rate,
               (sum(accepted_on_time) / nullif(sum(received), 0))::DOUBLE AS ontime_rate,
               (sum(closed) / nullif(sum(received), 0))::DOUBLE AS close_rate,
               list_sort(list(DISTINCT month(month))) AS months_reported
        FROM both_ GROUP BY project_id ORDER BY project_id
        """,
        [cfg["accept_limit_hours"], closed_states, *_period(year, month), *_period(year, month)],
        as_records,
    )


def opinion_events_to_date(
    con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False, config: dict | None = None
):
    """Per project: events to date, how many were reported within the limit, the share and the slowest response.

    Response time is from the event appearing to it being reported (发现、上报 within the limit).
    """
    limit = (config or effective_config(con))["opinion"]["report_limit_hours"]
    return _query(
        con,
        """
        SELECT project_id,
               count(*) AS events,
               count(*) FILTER (WHERE reported_at - appeared_at <= to_microseconds(CAST(? * 3600e6 AS BIGINT)))
                   AS within_limit,
               (count(*) FILTER (WHERE reported_at - appeared_at <= to_microseconds(CAST(? * 3600e6 AS BIGINT)))
                   / count(*))::DOUBLE AS within_share,
               (max(epoch(reported_at) - epoch(appeared_at)) / 3600)::DOUBLE AS slowest_hours,
               arg_max(event_id, epoch(reported_at) - epoch(appeared_at)) AS slowest_event,
               list_sort(list(DISTINCT month(month))) AS months_reported
        FROM opinion_event
        WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        GROUP BY project_id ORDER BY project_id
        """,
        [limit, limit, *_period(year, month)],
        as_records,
    )


def opinion_hours_to_date(
    con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False, config: dict | None = None
):
    """Per project: days monitored, the shortest day, and the days under the daily minimum."""
    minimum = (config or effective_config(con))["opinion"]["daily_hours_minimum"]
    return _query(
        con,
        """
        SELECT project_id, count(*) AS days, min(hours)::DOUBLE AS min_hours, avg(hours)::DOUBLE AS avg_hours,
               count(*) FILTER (WHERE hours < ?) AS days_under,
               CAST(min(day) FILTER (WHERE hours < ?) AS VARCHAR) AS first_short_day,
               list_sort(list(DISTINCT month(month))) AS months_reported
        FROM opinion_hours
        WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        GROUP BY project_id ORDER BY project_id
        """,
        [minimum, minimum, *_period(year, month)],
        as_records,
    )


def visitors_to_date(con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False):
    """Per project: visitors and visits to date against the same months of the year before."""
    return _query(
        con,
        """
        WITH sums AS (
            SELECT v.project_id,
                   sum(visitors) FILTER (WHERE year(month) = ?)::BIGINT AS visitors,
                   sum(visits) FILTER (WHERE year(month) = ?)::BIGINT AS visits,
                   sum(visitors) FILTER (WHERE year(month) = ? - 1)::BIGINT AS baseline_visitors,
                   sum(visits) FILTER (WHERE year(month) = ? - 1)::BIGINT AS baseline_visits,
                   count(DISTINCT month) FILTER (WHERE year(month) = ? - 1) AS baseline_months,
                   coalesce(list_sort(list(DISTINCT month(month)) FILTER (WHERE year(month) = ?)), [])
                       AS months_reported
            FROM visitors_month v
            WHERE replaced_by IS NULL AND month(month) <= ? AND year(month) IN (?, ? - 1)
            GROUP BY v.project_id
        )
        SELECT *, (visitors / nullif(baseline_visitors, 0) - 1)::DOUBLE AS visitors_change,
                  (visits / nullif(baseline_visits, 0) - 1)::DOUBLE AS visits_change
        FROM sums ORDER BY project_id
        """,
        [year, year, year, year, year, year, month, year, year],
        as_records,
    )


def deliverables_to_date(con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False):
    """Per project and item: the count to date."""
    return _query(
        con,
        """
        SELECT project_id, item, sum(count)::BIGINT AS count_to_date,
               list_sort(list(DISTINCT month(month))) AS months_reported
        FROM deliverable_month
        WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        GROUP BY project_id, item ORDER BY project_id, item
        """,
        _period(year, month),
        as_records,
    )


def values_to_date(con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False):
    """Per indicator: the latest value and rating entered up to the month, and the sum of values."""
    return _query(
        con,
        """
        SELECT indicator_id,
               arg_max(value, month) FILTER (WHERE value IS NOT NULL) AS latest_value,
               max(month) FILTER (WHERE value IS NOT NULL) AS value_month,
               arg_max(rating, month) FILTER (WHERE rating IS NOT NULL) AS latest_rating,
               max(month) FILTER (WHERE rating IS NOT NULL) AS rating_month,
               arg_max(likelihood, month) FILTER (WHERE likelihood IS NOT NULL) AS likelihood,
               sum(value)::DOUBLE AS value_sum
        FROM indicator_value
        WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        GROUP BY indicator_id ORDER BY indicator_id
        """,
        _period(year, month),
        as_records,
    )


def references_to_date(con: duckdb.DuckDBPyConnection, year: int, month: int, as_records: bool = False):
    """Per indicator: the latest baseline and reference values that apply by the month."""
    return _query(
        con,
        """
        SELECT indicator_id,
               arg_max(value, month) FILTER (WHERE ref_type = 'baseline') AS baseline,
               arg_max(value, month) FILTER (WHERE ref_type = 'reference') AS reference
        FROM reference_value
        WHERE replaced_by IS NULL AND month BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
        GROUP BY indicator_id ORDER BY indicator_id
        """,
        _period(year, month),
        as_records,
    )
