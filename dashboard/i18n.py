"""The dashboard's words in Simplified Chinese (default) and English."""

from __future__ import annotations

import streamlit as st

from core.accounts import SIGN_IN_FAILED

LANGS = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("财政项目支出绩效监控", "Budget project performance"),
    "overview": ("总览", "Overview"),
    "project": ("项目", "Project"),
    "entry": ("填报", "Data entry"),
    "exports": ("导出", "Exports"),
    "language": ("语言 / Language", "语言 / Language"),
    "year": ("年度", "Year"),
    "as_of": ("截至月份", "As of month"),
    "projects": ("项目数", "Projects"),
    "budget": ("当年预算（万元）", "Budget (10k yuan)"),
    "executed": ("已执行（万元）", "Executed (10k yuan)"),
    "execution_rate": ("执行率", "Executed"),
    "vs_time": ("{points} 个百分点", "{points} points"),
    "reds": ("红灯", "Red"),
    "yellows": ("黄灯", "Yellow"),
    "greys": ("未填报", "No data"),
    "matrix": ("指标灯一览", "Lights by indicator"),
    "budget_chart": ("预算执行进度", "Budget execution"),
    "attention": ("需要关注", "Needs attention"),
    "nothing_attention": ("没有红灯、黄灯或缺报。", "No red, yellow or missing data."),
    "time_progress": ("时间进度", "Time progress"),
    "cumulative_rate": ("累计执行率", "Cumulative execution"),
    "month": ("月份", "Month"),
    "col_project": ("项目", "Project"),
    "col_level1": ("一级目标", "Level 1"),
    "col_level2": ("二级目标", "Level 2"),
    "col_indicator": ("三级指标", "Indicator"),
    "col_target": ("目标值", "Target"),
    "col_actual": ("截至当月实际", "Actual to date"),
    "col_light": ("状态", "Light"),
    "col_explanation": ("说明", "Explanation"),
    "col_budget_light": ("预算执行", "Budget"),
    "filter": ("只看", "Show"),
    "filter_all": ("全部", "All"),
    "page": ("页", "Page"),
    "of_pages": ("共 {n} 页", "of {n}"),
    "choose_project": ("选择项目", "Project"),
    "facts": ("项目概况", "Facts"),
    "total_budget": ("项目总预算（元）", "Total budget (yuan)"),
    "year_budget": ("项目当年预算（元）", "Budget this year (yuan)"),
    "prev_budget": ("上年预算额（元）", "Last year's budget (yuan)"),
    "prev_executed": ("上年执行数（元）", "Last year's execution (yuan)"),
    "dates": ("计划起止", "Planned dates"),
    "goals": ("总目标及阶段性目标", "Goals and stages"),
    "indicators": ("绩效指标", "Indicators"),
    "actual_path": ("累计实际", "Actual to date"),
    "expected_path": ("应达", "Expected"),
    "target_line": ("年度目标", "Annual target"),
    "s_curve": ("预算执行 S 曲线", "Budget S-curve"),
    "paths_title": ("指标走势", "Indicator paths"),
    "history": ("上传记录", "Upload history"),
    "budget_in_force": ("全年预算数（元）", "Budget in force (yuan)"),
    "budget_initial": ("年初预算数（元）", "Initial budget (yuan)"),
    "adjusted_from": ("{month}调整，原{before}", "adjusted {month}, was {before}"),
    "changes": ("预算调整与绩效目标调整", "Budget adjustments and target revisions"),
    "no_changes": ("本年度没有预算调整或绩效目标调整。", "No budget adjustment or target revision this year."),
    "budget_ledger": ("预算调整", "Budget adjustments"),
    "target_ledger": ("绩效目标调整", "Target revisions"),
    "col_effective": ("生效月份", "From"),
    "col_before": ("调整前", "Before"),
    "col_after": ("调整后", "After"),
    "col_reason": ("调整原因", "Reason"),
    "col_approval": ("批准文号", "Approval"),
    "col_who": ("填报人", "Entered by"),
    "col_at": ("时间", "When"),
    "col_current": ("现行", "In force"),
    "adjust_form": ("预算调整", "Budget adjustment"),
    "revise_form": ("绩效目标调整", "Target revision"),
    "adjusted_budget": ("调整后预算数（元）", "Adjusted budget (yuan)"),
    "revised_target": ("调整后指标值（如 >=90%）", "Revised target (e.g. >=90%)"),
    "approval": ("批准文号（可空）", "Approval reference (optional)"),
    "change_reason": ("调整原因", "Reason"),
    "no_history": ("尚无上传记录。", "No uploads yet."),
    "templates": ("下载模板", "Templates"),
    "upload": ("上传实际数据（CSV / XLSX）", "Upload actuals (CSV / XLSX)"),
    "upload_help": (
        "先校验、预览，确认后一次写入；有任何错误则不写入。",
        "Checked and previewed first; written in one go on confirmation, never with errors.",
    ),
    "problems": ("发现 {n} 个问题，未写入任何数据：", "{n} problem(s) found; nothing was written:"),
    "valid": (
        "校验通过：{kind}，{rows} 行，月份 {months}；将替换现有数据 {replaced} 行（旧版本保留）。",
        "Valid: {kind}, {rows} rows for {months}; {replaced} current rows will be replaced (kept in history).",
    ),
    "confirm": ("确认写入", "Write it"),
    "written": (
        "已写入：{rows} 行，替换 {replaced} 行。总览已更新。",
        "Written: {rows} rows, {replaced} replaced. The overview is updated.",
    ),
    "checking": ("正在校验…", "Checking…"),
    "writing": ("正在写入…", "Writing…"),
    "rating_form": ("评级、偏差原因与纠偏措施", "Ratings, deviations and measures"),
    "rating_help": (
        "定性指标的评级、完成目标可能性；有可能、不可能时须填写偏差原因和纠偏措施。",
        "Ratings and likelihood; 'possible' and 'impossible' need a reason and measures.",
    ),
    "indicator": ("指标", "Indicator"),
    "value": ("实际值（可空）", "Value (optional)"),
    "rating": ("评级", "Rating"),
    "likelihood": ("完成目标可能性", "Likelihood"),
    "reason": ("偏差原因", "Deviation reason"),
    "measures": ("纠偏措施", "Corrective measures"),
    "note": ("说明", "Note"),
    "evidence": ("佐证材料（可选）", "Evidence file (optional)"),
    "save": ("保存", "Save"),
    "saved": ("已保存。", "Saved."),
    "status_table": ("状态表", "Status table"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX（灯为底色）", "Download XLSX (lights as colours)"),
    "forms": ("绩效自评表与监控表", "Self-evaluation and monitoring forms"),
    "format": ("格式", "Format"),
    "form_kind": ("表格", "Form"),
    "selfeval": ("年度绩效自评表", "Year-end self-evaluation"),
    "monitor": ("1–{n}月绩效监控表", "Monitoring form, months 1–{n}"),
    "final": ("定稿（记录快照）", "Final (record a snapshot)"),
    "final_help": (
        "定稿导出会保存表格与当时的配置，日后可原样重现；数据变化后再次导出会提示与定稿不一致。",
        "A final export stores the form and its configuration so it can be reproduced; later exports say "
        "when the data no longer match.",
    ),
    "prepare": ("生成全部项目", "Make for every project"),
    "preparing": ("正在生成…", "Preparing…"),
    "ready": ("已生成", "Ready"),
    "download_zip": ("下载 ZIP", "Download ZIP"),
    "more_warnings": ("另有 {n} 条提示", "{n} more warnings"),
    "warning_column": ("提示", "Warning"),
    "summary_form": ("年度总体目标实际完成情况", "What the year achieved (for the self-evaluation)"),
    "busy": ("数据库正忙，请稍后重试。", "The database is busy; try again shortly."),
    "rows_label": ("行", "row"),
    "file_label": ("文件", "file"),
    "column_label": ("列", "column"),
    "value_label": ("值", "value"),
    "reason_label": ("原因", "reason"),
    "preview": ("预览（前 20 行）", "Preview (first 20 rows)"),
    "kind_label": ("类型", "kind"),
    "loaded_at": ("时间", "when"),
    "loaded_by": ("上传人", "by"),
    "replaced_later": ("其中已被替换", "replaced since"),
    "unit_total": ("全单位", "Whole unit"),
    "more_attention": ("另有 {n} 项未列出（请用上方筛选查看）。", "{n} more not listed (use the filter above)."),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出登录", "Sign out"),
    "signed_in_as": ("当前用户：", "Signed in as"),
    "username": ("账号", "Account"),
    "password": ("密码", "Password"),
    "new_password": ("重设密码（可空）", "New password (optional)"),
    "accounts": ("账号", "Accounts"),
    "add_user": ("新建账号", "New account"),
    "assign": ("分配项目 / 重设密码", "Assign projects / reset password"),
    "role": ("角色", "Role"),
    "audit": ("审计", "Audit"),
    "action": ("操作", "Action"),
    "since": ("起", "From"),
    "until": ("止", "To"),
    "audit_rows": ("{n} 条记录", "{n} entries"),
    "audit_own_projects": (
        "仅显示分配给您的项目的记录（上传、填报、撤销）。",
        "Only the entries about the projects assigned to you (uploads, entries, reverts).",
    ),
    "sign_in_failed": (SIGN_IN_FAILED["zh"], SIGN_IN_FAILED["en"]),
    "refused": ("无权操作：{reason}", "Not allowed: {reason}"),
    "history_of": ("数值历史（每次填报或更正都是新版本）", "Value history (every entry or correction is a revision)"),
    "revert": ("撤销这次上传（恢复为之前的版本）", "Undo this upload (restore the earlier revision)"),
    "reverted": ("已撤销：恢复 {n} 行。", "Undone: {n} rows restored."),
    "choose_load": ("上传编号", "Upload number"),
    "open_projects": ("查看项目：", "Open a project:"),
    "settings": ("阈值设置", "Thresholds"),
    "settings_help": (
        "默认值见 data/config.toml；在此修改的阈值和评分权重对所有灯、评分和导出立即生效，并记入审计；"
        "改回默认值即取消修改。",
        "Defaults are in data/config.toml; a change here applies to every light, score and export at "
        "once, and is audited; setting a value back to its default removes the change.",
    ),
    "with_default": ("{label}（默认 {value}）", "{label} (default {value})"),
    "section_lights": ("指标灯", "Indicator lights"),
    "section_budget": ("预算执行灯", "Budget light"),
    "section_opinion": ("舆情监测", "Public opinion monitoring"),
    "section_hotline": ("热线工单", "Hotline tickets"),
    "section_scoring": ("自评表评分权重", "Self-evaluation scoring weights"),
    "scoring_help": (
        "预算执行率分值须大于0且小于100。一级指标权重是扣除预算执行率分值后剩余分值的相对份额，合计应为100（百分比）"
        "或100减去预算执行率分值（如预算执行率10分时为50、30、10）。权重为0的一级指标，其三级指标分值为0；"
        "项目缺少某一级指标时，其分值按权重比例分给其他一级指标。命令行：perfboard config set "
        "scoring.level_weights 产出=60,效益=40（未给出的一级指标权重为0）。",
        "The budget execution points must be above 0 and below 100. Level weights are relative shares of the "
        "points left after them and must add up to 100 (percent) or to 100 minus the budget points (e.g. 50, 30, "
        "10 with 10 budget points). A level weighted 0 gives its indicators no points; a level a project lacks "
        "gives its points to the others in proportion. Command line: perfboard config set scoring.level_weights "
        "产出=60,效益=40 (a level not given is weighted 0).",
    ),
    "level_weight": ("{level}权重", "{level} weight"),
    "mode_ratio": ("比值：执行率 ÷ 时间进度", "Ratio: execution ÷ time progress"),
    "mode_gap": ("差距：执行率落后时间进度的百分点", "Gap: points behind time progress"),
    "mode_worst_case": ("按最差一天或一次计分", "Score the worst day or event"),
    "mode_share": ("按达标天数或次数的比例计分", "Score the share of days or events that complied"),
    # one label per editable setting (core.settings.editable); a setting without one shows as section.key
    "setting.lights.accumulating_red_below": (
        "累计类指标：完成进度低于此值（%）为红灯",
        "Accumulating: red below this % of the expected progress",
    ),
    "setting.lights.accumulating_yellow_below": (
        "累计类指标：完成进度低于此值（%）为黄灯",
        "Accumulating: yellow below this % of the expected progress",
    ),
    "setting.lights.accumulating_blue_from": (
        "累计类指标：完成进度达到此值（%）为蓝灯（超前）",
        "Accumulating: blue (ahead) from this % of the expected progress",
    ),
    "setting.lights.rate_yellow_band_points": (
        "比率类指标：低于目标不超过此百分点为黄灯",
        "Rates: yellow within this many points below the target",
    ),
    "setting.lights.value_yellow_band_share": (
        "数值类指标：低于目标不超过此比例为黄灯",
        "Values: yellow within this share below the target",
    ),
    "setting.lights.at_most_yellow_tolerance": (
        "上限类指标：超出上限不超过此比例为黄灯",
        "At-most indicators: yellow up to this share above the limit",
    ),
    "setting.lights.increase_yellow_from": (
        "同比提高类指标：达到基数此百分比为黄灯",
        "Increases: yellow from this % of the baseline",
    ),
    "setting.lights.short_days_yellow_max": (
        "每日时长类指标：不足天数不超过此值为黄灯",
        "Daily hours: yellow up to this many short days",
    ),
    "setting.budget.mode": ("预算执行灯：判断方式", "Budget light: mode"),
    "setting.scoring.share_policy": ("逐日、逐次达标的指标：计分方式", "Day-by-day or per-event indicators: scoring"),
    "setting.budget.ratio_red_below": (
        "预算执行（比值）：执行率 ÷ 时间进度低于此值（%）为红灯",
        "Budget (ratio): red below this % of time progress",
    ),
    "setting.budget.ratio_yellow_below": (
        "预算执行（比值）：执行率 ÷ 时间进度低于此值（%）为黄灯",
        "Budget (ratio): yellow below this % of time progress",
    ),
    "setting.budget.gap_yellow_points": (
        "预算执行（差距）：落后时间进度不足此百分点为黄灯",
        "Budget (gap): yellow while less than this many points behind time progress",
    ),
    "setting.opinion.report_limit_hours": ("舆情：发现后上报时限（小时）", "Opinion: report within (hours)"),
    "setting.opinion.daily_hours_minimum": ("舆情：每天监控时长下限（小时）", "Opinion: daily monitoring (hours)"),
    "setting.hotline.accept_limit_hours": (
        "热线：工单未注明接单时限时的按期接单时限（小时）",
        "Hotline: accept within (hours) when a ticket has no limit",
    ),
    "setting.scoring.budget_weight": ("预算执行率分值", "Budget execution points"),
    "setting.scoring.level_weights": ("一级指标权重", "Level weights"),
    "open_project": ("查看项目", "Open project"),
    "none": ("无", "none"),
    # grammar12
    "next_year_title": ("下一年度绩效目标草稿", "Next year's targets draft"),
    "next_year_help": (
        "按所选年度生成下一年度的结构化绩效目标表：项目与指标相同，上年预算数、上年执行数取自所选年度12月，"
        "同比指标另附基期值文件。核对修改后在「填报」页或用 perfboard ingest targets 载入。",
        "Drafts next year's structured targets file from the chosen year: same projects and indicators, last "
        "year's budget and spending as of December, and a baselines file for year-on-year indicators. Edit it, "
        "then load it on the upload page or with perfboard ingest targets.",
    ),
    "next_year_from": ("依据年度", "Draft from"),
    "next_year_make": ("生成{year}年草稿", "Draft {year}"),
    "next_year_download": ("下载 {name}", "Download {name}"),
    # overview16
    "unit_row": (
        "{n} 个项目 · 红灯指标 {red}个 · 黄灯指标 {yellow}个 · 执行率 {rate}",
        "{n} projects · {red} red indicators · {yellow} yellow · {rate} executed",
    ),
    "unit_page": ("单位页", "Units page"),
    "units_hint": (
        "截至 {month}：共 {n} 个单位，最差的在前；点开单位查看其项目的指标灯。",
        "As of {month}: {n} units, worst first; open a unit to see its projects' lights.",
    ),
    # brief14
    "briefing_pdf": ("月度简报 PDF", "Monthly briefing PDF"),
    "briefing_png": ("月度简报图片", "Monthly briefing PNG"),
    "briefing_help": (
        "一页A4：核心数字、预算执行与时间进度、红黄灯指标及原因和纠偏措施、应报未报；图片可直接转发",
        "One A4 page (in Chinese): headline figures, budget against time, red and yellow lights with reasons "
        "and corrective measures, missing uploads; the picture can be forwarded in a chat",
    ),
    # units13
    "unit_filter": ("单位", "Unit"),
    "all_units": ("全部单位", "All units"),
    "approved_only": ("仅显示已审核数据", "Approved data only"),
    "pending_badge": ("待审核", "awaiting review"),
    "pending_count": (
        "{month}：{n} 个项目的数据尚未审核，其灯色标为待审核。",
        "{month}: {n} projects' data not yet approved; their lights are marked awaiting review.",
    ),
    "approved_as_of": ("按已审核的最近月份（{months}）显示", "Shown as of the latest approved month ({months})"),
    "month_n": ("{m}月", "month {m}"),
    "no_approved": ("尚无已审核的月份：{names}", "No approved month yet: {names}"),
    "unit_pending": (" · 待审核 {n}", " · {n} awaiting review"),
    "no_access_project": ("无权访问：该项目不属于您所在的单位。", "No access: this project is not in your unit."),
    "assign_unit": ("分配单位", "Assign a unit"),
    "unit_scope": ("可见范围", "Scope"),
    "no_unit_scope": ("不限单位（按角色）", "No unit (the role's usual scope)"),
    "forms_scoped": (
        "按单位导出表格尚不支持；请联系管理员导出本单位的表格。下方的状态表只含本单位的项目。",
        "Forms for one unit cannot be exported yet; ask an admin. The status table below holds your unit's projects.",
    ),
    # draft13
    "yearend": ("年末自评", "Year-end review"),
    "yearend_help": (
        "每个指标的实际完成情况按全年数据（12月状态）起草，标为草稿；请核对、修改后确认。仍有草稿时自评表不能定稿。",
        "Each indicator's 实际完成情况 is drafted from the year's data (December's status) and marked draft; check, "
        "edit and confirm it. The final self-evaluation is refused while a draft remains.",
    ),
    "yearend_draft": ("草稿", "draft"),
    "yearend_confirmed": ("已确认", "confirmed"),
    "yearend_overall": ("年度总体目标实际完成情况", "Overall goal: what was achieved"),
    "yearend_pending": ("还有 {n} 条实际完成情况为草稿，待确认", "{n} texts are still drafts, to be confirmed"),
    "yearend_all_confirmed": ("本项目的实际完成情况已全部确认", "Every text of this project is confirmed"),
    "yearend_confirm_one": ("确认此条", "Confirm this one"),
    "yearend_confirm_all": ("全部确认", "Confirm all"),
    "yearend_saved": ("已确认 {n} 条", "{n} confirmed"),
    "yearend_no_projects": ("没有分配给您的项目", "No project is assigned to you"),
    # pages13
    "cycle": ("填报进度", "Filing progress"),
    "review": ("月度报送", "Monthly submission"),
    "cycle_caption": (
        "截至 {today}：各项目每月应报内容的状态；每月数据应于次月{day}日前报送。",
        "As of {today}: the state of what each project owes each month; a month is due by day {day} of the next.",
    ),
    "cycle_swipe": ("← 左右滑动查看各月 →", "← swipe sideways for every month →"),
    "cycle_legend": ("图例：", "Legend:"),
    "cycle_stream": ("填报内容", "Stream"),
    "cycle_no_projects": ("所选年度没有可查看的项目。", "No project to show in this year."),
    "cycle_nothing_due": ("所选月份尚无应报内容。", "Nothing is due yet up to this month."),
    "cycle_project_rates": ("各项目按时报送率", "On-time rate per project"),
    "cycle_staff_rates": ("各填报人员按时报送率", "On-time rate per staff member"),
    "cycle_rates_help": (
        "只计截止日已过的应报内容：按时＝截止日（含）前首次报送。",
        "Only what is past its deadline counts: on time means first filed by the end of the deadline day.",
    ),
    "col_due": ("应报", "Due"),
    "col_on_time": ("按时", "On time"),
    "col_late": ("逾期报送", "Filed late"),
    "col_not_filed": ("未报", "Not filed"),
    "col_on_time_rate": ("按时率", "On-time rate"),
    "col_staff": ("填报人员", "Staff"),
    "review_month": ("报送月份", "Month"),
    "review_state": ("状态：{state}", "State: {state}"),
    "review_deadline": ("应于 {deadline} 前报送", "Due by {deadline}"),
    "review_history": ("报送记录", "History"),
    "review_no_history": ("本月尚无报送记录。", "No step taken for this month yet."),
    "col_step": ("操作", "Step"),
    "col_actor": ("操作人", "By"),
    "col_when": ("时间", "When"),
    "col_step_reason": ("原因", "Reason"),
    "review_returned": ("本月已被 {actor} 于 {when} 退回，原因：{reason}", "Returned by {actor} on {when}: {reason}"),
    "review_approved": ("本月已由 {actor} 于 {when} 审核通过并锁定。", "Approved and locked by {actor} on {when}."),
    "review_submitted": (
        "本月已由 {actor} 于 {when} 提交，等待审核。",
        "Submitted by {actor} on {when}; awaiting review.",
    ),
    "review_missing": ("尚不能提交，还缺：", "Not ready to submit; still missing:"),
    "review_ready": ("应报数据已齐，可以提交。", "Every due entry is in: ready to submit."),
    "review_submit": ("提交", "Submit"),
    "review_approve": ("审核通过", "Approve"),
    "review_return": ("退回", "Return"),
    "review_unlock": ("解锁", "Unlock"),
    "review_return_reason": ("退回原因（必填）", "Reason for returning (required)"),
    "review_unlock_reason": ("解锁原因（必填）", "Reason for unlocking (required)"),
    "review_done": ("{step}完成：现为“{state}”。", "{step} done: now {state}."),
    "review_queue": ("待审核（{n}）", "Awaiting review ({n})"),
    "review_no_projects": ("没有可报送的项目。", "No project to submit for."),
    "todo_title": ("我的待办", "My to-do"),
    "todo_due": (
        "本月需填报：{project}（{month}）{items}，截止 {deadline}",
        "Due now: {project} ({month}) {items}, by {deadline}",
    ),
    "todo_overdue": (
        "逾期未报：{project}（{month}）{items}，截止 {deadline}",
        "Overdue: {project} ({month}) {items}, was due {deadline}",
    ),
    "todo_returned": ("已退回：{project}（{month}），原因：{reason}", "Returned: {project} ({month}): {reason}"),
    "todo_open": ("前往月度报送", "Open monthly submission"),
    "todo_none": ("本月应报数据均已填报。", "Everything due this month is filed."),
    # phone14
    "budget_year": ("当年预算", "Budget"),
    "executed_to_date": ("已执行", "Spent"),
    "red_indicators": ("红灯指标", "Red indicators"),
    "yellow_grey_indicators": ("黄灯 / 未填报指标", "Yellow / no-data indicators"),
    "indicator_count": ("{n}个", "{n}"),
    "execution_vs_time": ("执行率 {rate}，时间进度 {time}", "{rate} spent, {time} of the year"),
    "all_indicators": ("全部 {n} 个指标", "All {n} indicators"),
    "no_flags": ("没有红灯或黄灯指标。", "No red or yellow indicator."),
    "year_budget_in_force": ("全年预算数", "Budget in force"),
    "year_budget_plain": ("项目当年预算", "Budget this year"),
    "total_budget_plain": ("项目总预算", "Total budget"),
    "prev_budget_plain": ("上年预算额", "Last year's budget"),
    "prev_executed_plain": ("上年执行数", "Last year's spending"),
    "actual_value": ("实际", "Actual"),
    "quadrant": ("预算执行 × 绩效达成", "Spending against results"),
    "quadrant_help": (
        "横轴：执行率 ÷ 时间进度（1 = 与时间同步）；纵轴：达标指标（绿灯、蓝灯）占已到期指标的比例；"
        "气泡大小 = 当年预算。",
        "Across: share of budget spent ÷ share of the year gone (1 = on pace); up: share of indicators due "
        "that are on track (green or blue); bubble size = budget.",
    ),
    "quadrant_x": ("执行率 ÷ 时间进度", "Spent ÷ time progress"),
    "quadrant_y": ("达标指标占比 %", "Indicators on track %"),
    "q_fast_weak": ("花钱快、效果慢", "Spending fast, results slow"),
    "q_slow_good": ("效果好、花钱慢", "Results good, spending slow"),
    "q_fast_good": ("花钱快、效果好", "Spending fast, results good"),
    "q_slow_weak": ("花钱慢、效果慢", "Spending slow, results slow"),
    "q_none": ("无", "none"),
    "quadrant_open": ("展开图表（{n} 个项目）", "Show the chart ({n} projects)"),
    "q_more": ("另有 {n} 个项目", "{n} more projects"),
    # fix14
    "no_access_title": ("无权访问", "No access"),
    "no_access": (
        "您的账号无权访问此页面。如需使用，请联系管理员。",
        "Your account may not open this page. Ask an administrator if you need it.",
    ),
    "setting_key_help": ("命令行中的设置名：{name}", "Name on the command line: {name}"),
    "audit_all_actions": ("全部操作", "All actions"),
    "templates_due_help": (
        "★ 标出的是您负责的项目需要按月填报的模板（依据指标绑定的数据来源）；模板第2行是示例行，上传前请先删除。",
        "★ marks the templates your projects' indicators need (from their bindings); row 2 of a template is an "
        "example: delete it before uploading.",
    ),
    "template_due": ("★ {kind}", "★ {kind}"),
    "wrong_file_type": (
        "无法读取“{name}”：不支持“{suffix}”类型的文件，请上传 .csv 或 .xlsx 文件（可用上方的模板）。",
        "Cannot read “{name}”: the file type {suffix} is not supported; upload a .csv or .xlsx file (see the "
        "templates above).",
    ),
    "not_your_projects": (
        "未写入：文件中有您无权填报的项目的数据：{projects}。请删除这些行，或请管理员为您分配这些项目。",
        "Nothing written: the file has rows for projects you may not write for: {projects}. Delete those rows, "
        "or ask an administrator to assign the projects to you.",
    ),
    "project_rows": ("“{project}”{n} 行", "“{project}” ({n} rows)"),
    "replaced_preview": (
        "将被替换的现有数据（{n} 行，旧版本保留在历史中）",
        "Current rows to be replaced ({n}, kept in history)",
    ),
    "no_projects_assigned": (
        "您的账号尚未分配项目，请联系管理员。",
        "No projects are assigned to your account yet; ask an administrator.",
    ),
    # lead: the project page's value history
    "col_value": ("数值", "Value"),
    "col_rating": ("评级", "Rating"),
    "col_likelihood": ("完成目标可能性", "Likelihood"),
    "col_deviation": ("偏差原因", "Deviation reason"),
    "col_measures": ("纠偏措施", "Corrective measures"),
    "col_note": ("备注", "Note"),
    "col_load": ("写入编号", "Load"),
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **params) -> str:
    zh, en = TEXT[key]
    return (en if lang() == "en" else zh).format(**params)


def setting_label(section: str, key: str) -> str:
    """A setting's readable name (``section.key`` for one without a label)."""
    name = f"setting.{section}.{key}"
    return t(name) if name in TEXT else f"{section}.{key}"


def lang_params() -> dict[str, str]:
    """The language as a link's query parameter (phone14): English stays English on the page it opens."""
    return {"lang": "en"} if lang() == "en" else {}
