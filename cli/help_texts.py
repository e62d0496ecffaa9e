"""Every command and option of ``perfboard --help`` described in Chinese, with the English beside it (issue 14).

The commands keep their English docstrings and option help where they are defined; ``apply`` puts the
Chinese in front (``中文 / English``) once the group is assembled (``cli/main.py``), and gives options
that had no help at all a line of both. A command or option added later without a Chinese line here
keeps what it has (``tests/cli/test_cli_language.py`` names it).
"""

from __future__ import annotations

import re

import click

HELP_NAMES = ("-h", "--help")  # as cli/main.py's context_settings
HELP = "显示此说明并退出 / Show this message and exit."

# command path (without "perfboard") → one line in Chinese
COMMANDS: dict[str, str] = {
    "": "财政项目支出绩效监控",
    "init": "创建或升级数据库",
    "ingest": "载入文件",
    "ingest targets": "载入绩效目标表（文本导出、表格、XLSX、DOCX 或结构化文件）",
    "ingest actuals": "载入每月实际数据（CSV 或 XLSX）",
    "ingest bindings": "载入指标与规则的绑定（TOML）",
    "template": "生成上传模板（含一行示例，上传前须删除）",
    "revert": "撤销一次实际数据上传（作为新版本，不删除历史）",
    "status": "各项目、各指标的灯和说明",
    "export": "导出表格和文件",
    "export targets": "导出结构化的绩效目标表（CSV 或 XLSX）",
    "export selfeval": "导出项目支出绩效自评表（含得分，XLSX 或 PDF）",
    "export monitor": "导出项目支出绩效目标执行监控表（1–N月）",
    "export status": "导出灯的状态表（CSV，或按灯着色的 XLSX）",
    "export briefing": "导出月度绩效简报（一页 PDF 或 PNG）",
    "user": "管理看板账号",
    "user add": "新建账号（提示输入密码）",
    "user passwd": "设置账号密码（同时解除锁定）",
    "user assign": "指定填报人员负责的项目",
    "user list": "列出账号、角色和负责的项目",
    "config": "阈值、模式和计分权重（修改会记入审计）",
    "config show": "显示管理员可修改的每项设置及其现行值",
    "config set": "修改一项设置",
    "backup": "备份数据库（一致的副本）",
    "restore": "从备份恢复数据库",
    "serve": "启动看板（空数据库时载入演示数据）",
    "demo": "载入种子目标表、绑定和演示数据",
    "targets": "跨年度的绩效目标表",
    "targets next-year": "按本年度起草下一年度绩效目标（同样的项目和指标，填入上年预算和基期值）",
    "completeness": "各月应填、已填、已审核、逾期情况",
    "submit": "提交某项目某月的数据",
    "approve": "审核通过某项目某月的数据（锁定）",
    "return": "退回某项目某月的数据（须写明原因）",
    "unlock": "解锁已审核的月份（须写明原因）",
    "summary": "年度总体目标的实际完成情况",
    "summaries": "年末自评：每个指标的实际完成情况（草稿或已确认）",
    "summaries confirm": "确认一个项目的草稿，或改写某一指标的实际完成情况",
}

# option name → (Chinese, English): used where an option has no help, and to put Chinese before English help
OPTIONS: dict[str, tuple[str, str]] = {
    "year": ("年度，如 2020", "year, e.g. 2020"),
    "month": ("月份 YYYY-MM", "month YYYY-MM"),
    "project": ("项目名称", "project name"),
    "fmt": ("输出格式", "output format"),
    "out": ("输出到的文件或文件夹", "file or folder to write"),
    "kind": ("文件类型（不填时按表头识别）", ""),
    "drop_missing": ("删除文件中不再列出的指标，即使已有数据（数据保留，指标标记为已删除）", ""),
    "strict": ("表格不完整时拒绝载入（不写入任何数据），而不是按现有内容载入", ""),
    "final": ("定稿：保存快照，以后可原样重现", ""),
    "from_snapshot": ("按最近一次定稿的快照重现", ""),
    "role": ("角色：leader 领导、staff 填报人员、admin 管理员", "role: leader, staff or admin"),
    "password_stdin": ("从标准输入读取密码", ""),
    "force": ("覆盖已有的数据库", ""),
    "port": ("端口", "port"),
    "address": ("监听地址（默认 localhost）", ""),
    "if_empty": ("仅当数据库中还没有项目时", ""),
    "from_year": ("起草所依据的年度，如 2020", ""),
    "reason": ("原因", "reason"),
    "first": ("项目名称，可跟多个（--project A B）", ""),
    "png": ("同时导出为 PNG 图片（便于在聊天中转发）", ""),
    "unit": ("限定账号只看这一实施单位（领导只审核该单位）", ""),
    "department": ("实施单位所属的主管部门；单独使用时为整个主管部门", ""),
    "no_unit": ("取消单位限定，恢复角色的通常范围", ""),
    "as_user": ("以此账号的身份执行这一步", ""),
    "indicator": ("三级指标名称，或“年度总体目标”", ""),
    "text": ("代替草稿确认的文字", ""),
    "user": ("以此账号的身份执行（按其角色和负责项目）", ""),
}


def _both(zh: str, en: str | None) -> str:
    """``中文 / English``, or the Chinese alone when there is no English (``en`` as it is when already done)."""
    if en and en.startswith(zh):
        return en
    return f"{zh} / {en}" if en else zh


def apply(group: click.Group) -> None:
    """Chinese first on every command and option of ``group`` that has a line here."""
    for path, command in _walk(group, ""):
        zh = COMMANDS.get(path)
        if zh:
            command.help = _both(zh, command.help)
            command.short_help = None  # derived again from the help, Chinese first
        helper = command.get_help_option(click.Context(command, help_option_names=list(HELP_NAMES)))
        if helper is not None:  # made once per command and kept by click: its text is set here
            helper.help = HELP
        for param in command.params:
            if isinstance(param, click.Option) and param.name in OPTIONS:
                zh_option, en_option = OPTIONS[param.name]
                said = param.help if param.help and re.search("[a-z]", param.help) else en_option  # not a bare YYYY-MM
                param.help = _both(zh_option, said)


def _walk(command: click.Command, path: str):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, f"{path} {name}".strip())
