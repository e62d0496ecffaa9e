"""Validation problems: every bad row of a file, with where and why, in Chinese or English.

Validation collects all problems of a file before anything is written; the caller shows
them all and the database stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# code -> (Chinese, English); fields in braces come from Problem.params.
MESSAGES: dict[str, tuple[str, str]] = {
    "empty_file": ("文件为空", "the file is empty"),
    "not_utf8": (
        "文件不是 UTF-8 编码（看起来是 GBK/GB18030），请另存为 UTF-8 后重新上传",
        "the file is not UTF-8 (it looks like GBK/GB18030): save it as UTF-8 and upload again",
    ),
    "undecodable": ("无法识别文件编码，请另存为 UTF-8", "cannot tell the file's encoding: save it as UTF-8"),
    "not_target_table": (
        "不是财政项目支出绩效目标表：缺少“{label}”",
        "not a 绩效目标表 (performance target table): “{label}” is missing",
    ),
    "no_indicators": ("项目“{project}”的绩效目标表没有任何指标", "the target table of “{project}” has no indicators"),
    "duplicate_indicator": (
        "指标重复：与第 {other} 行相同（{key}）",
        "duplicated indicator: same as line {other} ({key})",
    ),
    "duplicate_project": (
        "项目重复：与第 {other} 行的项目同名同年",
        "duplicated project: same name and year as line {other}",
    ),
    "unknown_level1": (
        "未知的一级目标“{value}”，应为：{allowed}",
        "unknown 一级 label “{value}”; expected one of: {allowed}",
    ),
    "missing_level1": ("指标行之前没有一级目标", "an indicator row comes before any 一级 label"),
    "missing_level2": ("指标行之前没有二级目标", "an indicator row comes before any 二级 label"),
    "unpaired_cells": (
        "无法把这些单元格拆分为“三级目标 + 指标目标值”：{cells}",
        "cannot split these cells into 三级目标 + 指标目标值 pairs: {cells}",
    ),
    "not_a_number": ("“{value}”不是数字", "“{value}” is not a number"),
    "negative": ("“{value}”不能为负数", "“{value}” must not be negative"),
    "not_a_date": ("“{value}”不是日期（应为 YYYY-MM-DD）", "“{value}” is not a date (YYYY-MM-DD)"),
    "not_a_year": ("“{value}”不是年度（应为四位年份）", "“{value}” is not a year (four digits)"),
    "required": ("必填项为空", "required value is empty"),
    "missing_columns": ("缺少必需的列：{columns}", "required columns are missing: {columns}"),
    "unknown_column": ("无法识别的列“{value}”", "unknown column “{value}”"),
    "inconsistent_project": (
        "同一项目的“{column}”与第 {other} 行不一致（“{expected}”）",
        "“{column}” differs from line {other} of the same project (“{expected}”)",
    ),
    "merged_cells": (
        "表格含合并单元格 {ranges}，请取消合并后上传",
        "the sheet has merged cells {ranges}: unmerge them and upload again",
    ),
    "extra_header": (
        "表头应在第 1 行，此处发现表头（请删除表头上方的标题行）",
        "the header belongs on row 1 and was found here: delete the title rows above it",
    ),
    "no_header": ("找不到表头：第 1 行应为列名", "no header found: row 1 should hold the column names"),
    "unsupported_file": (
        "不支持的文件类型“{value}”（支持 .txt .csv .xlsx）",
        "unsupported file type “{value}” (use .txt, .csv or .xlsx)",
    ),
    "not_a_count": ("“{value}”不是整数", "“{value}” is not a whole number"),
    "not_a_month": ("“{value}”不是月份（应为 YYYY-MM）", "“{value}” is not a month (YYYY-MM)"),
    "not_a_datetime": ("“{value}”不是时间（应为 YYYY-MM-DD HH:MM）", "“{value}” is not a time (YYYY-MM-DD HH:MM)"),
    "not_a_choice": ("“{value}”不是可选值：{allowed}", "“{value}” is not one of: {allowed}"),
    "unknown_project": ("未知项目“{value}”{hint}", "unknown project “{value}”{hint}"),
    "unknown_indicator": (
        "项目“{project}”没有三级指标“{value}”{hint}",
        "project “{project}” has no indicator “{value}”{hint}",
    ),
    "unknown_item": ("项目“{project}”没有事项“{value}”{hint}", "project “{project}” has no item “{value}”{hint}"),
    "outside_year": (
        "“{value}”不在项目“{project}”的年度（{year}年）内",
        "“{value}” is outside the year of project “{project}” ({year})",
    ),
    "in_future": ("“{value}”是将来的时间", "“{value}” is in the future"),
    "duplicate_row": ("与第 {other} 行重复（{key}）", "duplicates line {other} ({key})"),
    "wrong_kind": (
        "这是“{found}”文件，不是“{expected}”文件",
        "this is a “{found}” file, not a “{expected}” file",
    ),
    "unknown_kind": (
        "无法识别文件类型；最接近“{closest}”，缺少列：{columns}",
        "cannot tell what kind of file this is; closest is “{closest}”, missing columns: {columns}",
    ),
    "greater_than": (
        "“{column}”（{value}）不能大于“{other}”（{other_value}）",
        "“{column}” ({value}) cannot exceed “{other}” ({other_value})",
    ),
    "one_of_missing": ("请填写{columns}之一", "give one of {columns_en}"),
    "one_of_both": ("{columns}只能填写一个", "give only one of {columns_en}"),
    "mixed_forms": (
        "同一项目在一个文件中不能同时按“{monthly}”和“{cumulative}”填报",
        "one project cannot be reported by both “{monthly}” and “{cumulative}” in one file",
    ),
    "cumulative_falls": (
        "累计数“{value}”小于之前月份的累计数 {earlier}",
        "the figure to date “{value}” is below an earlier month's {earlier}",
    ),
    "budget_not_positive": ("调整后预算数应大于0", "the adjusted budget must be above 0"),
    "adjusted_below_spent": (
        "调整后预算数“{value}”低于截至该月的累计支出 {total} 元",
        "the adjusted budget “{value}” is below the {total} already spent by that month",
    ),
    "greater_to_date": (
        "截至本月累计“{column}”（{value}）超过累计“{other}”（{other_value}）",
        "“{column}” to date ({value}) exceeds “{other}” to date ({other_value})",
    ),
    "earlier_than": (
        "“{column}”（{value}）早于“{other}”（{other_value}）",
        "“{column}” ({value}) is earlier than “{other}” ({other_value})",
    ),
    "hours_range": ("“{value}”超出 0–24 小时", "“{value}” is outside 0–24 hours"),
    "percent_over_100": (
        "百分比“{value}”超过 100，该指标不可能",
        "percentage “{value}” above 100 is impossible for this indicator",
    ),
    "over_budget": (
        "截至本月累计支出 {total} 元超过项目当年预算 {budget} 元",
        "spending to date {total} exceeds the project's budget {budget}",
    ),
    "reason_required": (
        "完成目标可能性为“{value}”时必须填写偏差原因和纠偏措施",
        "with likelihood “{value}” the deviation reason and corrective measures are required",
    ),
    "value_or_rating": (
        "实际值、评级、完成目标可能性至少填写一项",
        "fill in the value, the rating or the likelihood (at least one)",
    ),
    "words_need_rating": (
        "实际值“{value}”不是数字：文字的完成情况须同时填写评级（达成 / 部分达成 / 未达成）",
        "the value “{value}” is not a number: a value in words needs a rating (achieved / partial / missed) beside it",
    ),
    "unknown_rating": (
        "“{value}”不是可识别的评级，最接近的是“{closest}”；请填写{allowed}，或请管理员在 data/vocabulary.toml [ratings] 中补充同义词",
        "“{value}” is not a known rating word; the closest is “{closest}”; use {allowed}, or ask an admin to add the "
        "synonym to data/vocabulary.toml [ratings]",
    ),
    "unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    # -- values out of range, names, empty files, reloads (issue 15) --------------------------------
    "no_data_rows": (
        "文件只有表头，没有数据行（空行不算）",
        "the file has a header but no data rows (blank rows do not count)",
    ),
    "out_of_range": (
        "“{value}”超出允许范围 {range}{unit_zh}",
        "“{value}” is outside the allowed range {range}{unit_en}",
    ),
    "score_over_scale": (
        "“{value}”超过该指标的满分 {scale} 分",
        "“{value}” is above the indicator's full marks of {scale}",
    ),
    "control_character": (
        "含有控制字符（“{value}”），请删除后重新上传",
        "contains a control character (“{value}”): remove it and upload again",
    ),
    "text_too_long": (
        "内容有 {length} 个字符，超过上限 {limit} 个字符",
        "the text has {length} characters, more than the limit of {limit}",
    ),
    "year_range": ("年度“{value}”不合理，应在 {low}–{high} 之间", "year “{value}” is implausible: use {low}–{high}"),
    "weight_range": (
        "分值“{value}”应为大于 0、不超过 {high} 的数（留空则按默认权重分配）",
        "points “{value}” must be above 0 and at most {high} (leave empty for the default weights)",
    ),
    "drops_indicators_with_data": (
        "重新载入将删除项目“{project}”中已有数据的指标：{indicators_zh}；"
        "如确需删除，请加 --drop-missing（数据随指标保留，指标标记为已删除）",
        "reloading would remove indicators of project “{project}” that have data: {indicators_en}; "
        "add --drop-missing to remove them (their values stay with the indicator, which is marked removed)",
    ),
    # -- reading a file safely: limits, archive checks, CSV dialect, encodings, number and time formats --
    "file_too_big": (
        "文件大小 {size} MB，超过上限 {limit} MB：请按月份（或按项目）拆分为几个文件，分别上传",
        "the file is {size} MB, over the limit of {limit} MB: split it by month (or by project) and upload each part",
    ),
    "unpacked_too_big": (
        "XLSX 解压后共 {size} MB，超过上限 {limit} MB：请删除多余的工作表和格式，或按月份拆分为几个文件",
        "the XLSX unpacks to {size} MB, over the limit of {limit} MB: delete extra sheets and formatting, "
        "or split it by month into several files",
    ),
    "compression_ratio": (
        "XLSX 中的“{part}”压缩比为 {ratio}:1，超过上限 {limit}:1（正常的工作簿远低于此）："
        "请在 Excel 中打开并另存为新文件，或按月份拆分后上传",
        "“{part}” in the XLSX is compressed {ratio}:1, over the limit of {limit}:1 (a normal workbook stays far below): "
        "open it in Excel and save it as a new file, or split it by month",
    ),
    "too_many_rows": (
        "工作表有 {rows} 行，超过上限 {limit} 行：请按月份（或按项目）拆分为几个文件，分别上传",
        "the sheet has {rows} rows, over the limit of {limit}: split it by month (or by project) and upload each part",
    ),
    "too_many_cells": (
        "工作表有 {cells} 个单元格，超过上限 {limit} 个：请删除无关的列和行，或按月份拆分为几个文件",
        "the sheet has {cells} cells, over the limit of {limit}: delete unrelated columns and rows, "
        "or split it by month into several files",
    ),
    "not_xlsx": (
        "文件不是 XLSX 工作簿（内容不是 XLSX 的 zip 格式）：请在 Excel 中另存为 .xlsx 或 .csv",
        "the file is not an XLSX workbook (its content is not a zip): save it from Excel as .xlsx or .csv",
    ),
    "not_workbook": (
        "这是一个 zip 压缩包，不是 Excel 工作簿：请解压后上传其中的 .xlsx 或 .csv 文件",
        "this is a zip archive, not an Excel workbook: unpack it and upload the .xlsx or .csv inside",
    ),
    "xlsx_encrypted": (
        "工作簿已加密，或是旧版 .xls 格式：请在 Excel 中取消密码保护，另存为 .xlsx 后上传",
        "the workbook is encrypted or in the old .xls format: remove the password in Excel and save it as .xlsx",
    ),
    "xlsx_damaged": (
        "XLSX 文件已损坏（{detail}）：请在 Excel 中打开，另存为新文件后上传",
        "the XLSX file is damaged ({detail}): open it in Excel, save it as a new file and upload that",
    ),
    "no_worksheet": ("工作簿中没有工作表", "the workbook has no worksheet"),
    "unclosed_quote": (
        '此行的引号没有结束，后面的行都会被并入此行：请检查此行的双引号（单元格内的引号应写成两个 ""）',
        "a quote opened on this line never closes, so the lines after it would be swallowed: "
        'check the double quotes of this line (a quote inside a cell is written twice, "")',
    ),
    "stray_quote": (
        "此行的引号用法有误（右引号后应为逗号或换行）：请检查此行的双引号",
        "a quote on this line is misplaced (a closing quote must be followed by a comma or a line break): "
        "check the double quotes of this line",
    ),
    "field_too_long": (
        "此行有一个单元格超过 {limit} 个字符：请缩短该单元格，或检查引号是否配对",
        "a cell on this line is longer than {limit} characters: shorten it, or check that its quotes pair up",
    ),
    "mixed_encoding": (
        "此行的编码与文件其余部分不同（文件为 {encoding}，此行不是）：请把整个文件另存为 UTF-8 后重新上传",
        "this line is in another encoding than the rest of the file ({encoding}): save the whole file as UTF-8",
    ),
    "binary_content": (
        "此行含有空字符（NUL），不是文本：文件可能已损坏，或不是 CSV 文件",
        "this line holds a NUL character, which is not text: the file is damaged or is not a CSV",
    ),
    "utf16": (
        "文件为 UTF-16 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后上传",
        "the file is UTF-16: save it from Excel as “CSV UTF-8 (comma delimited)”",
    ),
    "duplicate_column": (
        "列“{value}”在表头中出现了 {count} 次（第 {columns} 列）：每列只能出现一次，请删除或改名多余的列",
        "column “{value}” appears {count} times in the header (columns {columns}): keep one, rename or delete the rest",
    ),
    "excel_serial": (
        "“{value}”是 Excel 的日期序号（即 {date}），不是月份或日期：请把该列设为日期或文本格式（如 2020-03）后重新保存",
        "“{value}” is an Excel date serial number ({date}), not a month or date: "
        "format the column as a date or text (e.g. 2020-03) and save again",
    ),
    "decimal_comma": (
        "“{value}”的小数点在千分位逗号之前（欧洲写法），数值不明确：请用“.”作小数点，不写千分位，如 1234.56",
        "“{value}” puts the decimal point before a thousands comma (European style), so its value is unclear: "
        "use “.” for decimals and no thousands separator, e.g. 1234.56",
    ),
    "odd_grouping": (
        "“{value}”的千分位分组不对（逗号之间应为三位数字），数值不明确：请去掉逗号，如 1234567.5",
        "“{value}” has odd digit grouping (commas must separate groups of three digits), so its value is unclear: "
        "write it without commas, e.g. 1234567.5",
    ),
    "no_rows": (
        "只有表头，没有数据行",
        "the file has a header but no data rows",
    ),
    "more_problems": (
        "另有 {count} 个问题未列出（只列出前 {shown} 个）：请先改正以上问题，再重新上传",
        "{count} more problems not listed (the first {shown} are): correct these and upload again",
    ),
    # fix14: an unedited template (ingest.examples)
    "example_row": (
        "这是模板的示例行（项目名称以“示例”开头）：请先删除示例行，填入实际数据后再上传",
        "this is the template's example row (its project name starts with “示例”): delete the example rows first "
        "(请先删除示例行), fill in real data and upload again",
    ),
    # reader12: target tables in other layouts (docs/domain.md §9)
    "unknown_level1_near": (
        "未知的一级目标“{value}”，是否应为“{suggestion}”？应为：{allowed}（可在 data/vocabulary.toml 中添加）",
        "unknown 一级 label “{value}”: did you mean “{suggestion}”? expected one of: {allowed} (or add it to data/vocabulary.toml)",
    ),
    "unknown_level2": (
        "未知的二级指标“{value}”{hint}（可在 data/vocabulary.toml 中添加）",
        "unknown 二级 label “{value}”{hint_en} (add it to data/vocabulary.toml)",
    ),
    "incomplete_project": (
        "项目“{project}”的绩效目标表不完整（--strict 不载入）：{cells}",
        "the target table of “{project}” is incomplete (--strict refuses it): {cells}",
    ),
    "not_docx": ("不是可读取的 Word（.docx）文件", "not a readable Word (.docx) file"),
    "unread_row": (
        "这一行没有可识别的栏目名，也不在指标表内，无法载入：{value}（请核对行的位置，或在 data/vocabulary.toml 中添加栏目名）",
        "this row has no label perfboard knows and is not inside the indicator table, so it cannot be loaded: {value}"
        " (check where it sits, or add the label to data/vocabulary.toml)",
    ),
}

MAX_PROBLEMS = 1000  # listed per file; a file wrong on every row of 200,000 would otherwise fill memory and screen


class ProblemList(list):
    """A list of problems that keeps the first ``MAX_PROBLEMS`` and only counts the rest."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        super().__init__()
        self.limit, self.dropped = limit, 0

    def append(self, problem: Problem) -> None:
        if len(self) < self.limit:
            super().append(problem)
        else:
            self.dropped += 1

    @property
    def room(self) -> int:
        """How many more problems would be kept."""
        return max(self.limit - len(self), 0)

    def extend(self, problems) -> None:
        for p in problems:
            self.append(p)

    def more(self, file: str) -> list[Problem]:
        """One problem saying how many were not listed, if any were not."""
        if not self.dropped:
            return []
        return [Problem(file, "more_problems", params={"count": f"{self.dropped:,}", "shown": f"{self.limit:,}"})]


SHOWN_CHARS = 80  # an echoed value longer than this is cut, saying how long it was
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(text: str | None, limit: int = SHOWN_CHARS) -> str | None:
    """A value echoed in a message, made safe to print: control characters (ANSI escapes, NUL, bidi
    overrides) written as ``\\x1b``, line breaks as ``\\n``, and a long text cut to ``limit`` characters
    with its full length, so a hostile cell can neither flood nor repaint a terminal or a page."""
    if text is None:
        return None
    text = str(text)
    safe = _CONTROL.sub(_escape, text.replace("\r\n", "\n")).replace("\n", "\\n").replace("\t", "\\t")
    if len(safe) <= limit:
        return safe
    tail = f"…（共 {len(text)} 字）"
    return safe[: max(limit - len(tail), 1)] + tail


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where (file, line, column), the value, and why."""

    file: str
    code: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        """Every text that came from the file is stored already made safe to show (``shown``)."""
        object.__setattr__(self, "file", shown(self.file, 2 * SHOWN_CHARS))
        object.__setattr__(self, "column", shown(self.column))
        object.__setattr__(self, "value", shown(self.value))
        object.__setattr__(
            self, "params", {k: shown(v) if isinstance(v, str) else v for k, v in (self.params or {}).items()}
        )

    def reason(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.code]
        params = {"value": self.value, **self.params}
        return (en if lang == "en" else zh).format(**params)

    def format(self, lang: str = "zh") -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"第 {self.line} 行" if lang != "en" else f"line {self.line}")
        if self.column:
            where.append(f"列“{self.column}”" if lang != "en" else f"column “{self.column}”")
        text = ", ".join(where) if lang == "en" else "，".join(where)
        value = ""
        if self.value not in (None, "") and "{value}" not in MESSAGES[self.code][0]:
            value = f"（值“{self.value}”）" if lang != "en" else f" (value “{self.value}”)"
        sep = ": " if lang == "en" else "："
        return f"{text}{value}{sep}{self.reason(lang)}"


class ValidationFailed(Exception):
    """Raised with every problem found; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def format(self, lang: str = "zh") -> str:
        return "\n".join(p.format(lang) for p in self.problems)
