"""click in Simplified Chinese: help pages, usage lines and every usage error, through click's own hooks.

click writes its own text (``Usage:``, ``Options:``, ``Error: No such option``…) in English.  Instead of
rewriting that output, the ``policykb`` group and its commands use the classes below: a help formatter
with Chinese headings, commands that write their option table themselves, and a translation of each
of click's usage-error classes from the data the exception carries (the option, the parameter and its
type, the command), never from its English message.  Exit codes stay click's (2 for usage errors).
"""
from __future__ import annotations

import os
import re
import unicodedata

import click
from click.formatting import join_options, wrap_text

HELP_TEXT = "显示此帮助并退出。"
_CJK = re.compile(r"[\u3400-\u9fff]")

# click's type names (ParamType.name) → the metavar shown in the option table.
METAVARS = {"text": "文本", "integer": "整数", "integer range": "整数", "float": "数字",
            "float range": "数字", "boolean": "是/否", "path": "路径", "file": "文件",
            "directory": "文件夹", "filename": "文件", "uuid": "UUID", "datetime": "日期时间"}
TYPE_NAMES = {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字",
              "boolean": "是或否（true/false、yes/no、1/0）", "uuid": "UUID", "datetime": "日期时间"}


class ChineseFormatter(click.HelpFormatter):
    """A help formatter whose usage prefix and section headings are Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """Write a definition list, measuring a Chinese character as two columns."""
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(indent + first)
            if not second:
                self.write("\n")
                continue
            used = display_width(first)
            self.write(" " * (first_col - used) if used <= first_col - col_spacing
                       else "\n" + " " * (first_col + self.current_indent))
            lines = wrap_text(second, max(self.width - first_col - 2, 10), preserve_paragraphs=True).splitlines()
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")


def display_width(text: str) -> int:
    """Return how many terminal columns *text* takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseCommand(click.Command):
    """A command whose help page and usage errors are Chinese."""

    context_class = ChineseContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_options(self, ctx, formatter) -> None:
        rows = [option_row(param, ctx) for param in self.get_params(ctx)
                if isinstance(param, click.Option) and not param.hidden]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)

    def format_arguments(self, ctx, formatter) -> None:
        arguments = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(getattr(a, "help", None) for a in arguments):
            with formatter.section("参数"):
                formatter.write_dl([(a.make_metavar(ctx), getattr(a, "help", None) or "") for a in arguments])

    def parse_args(self, ctx, args):
        given = list(args)  # the parser consumes the list; a translation may need the raw values
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise in_chinese(exc, ctx, given) from None


class ChineseGroup(ChineseCommand, click.Group):
    """The ``policykb`` group: Chinese help, usage errors, and 已中止 for Ctrl+C."""

    command_class = ChineseCommand
    group_class = type  # subgroups (policykb user) are ChineseGroups too

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        commands = [(name, cmd) for name, cmd in commands if cmd is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("命令"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            raise in_chinese(exc, ctx, args) from None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise in_chinese(exc, ctx, []) from None
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("\n已中止。", err=True)
            raise click.exceptions.Exit(1) from None


class ChineseUsageError(click.UsageError):
    """A usage error shown as the usage line and one Chinese sentence with the help hint."""

    def show(self, file=None) -> None:
        ctx = self.ctx
        if ctx is not None:
            click.echo(ctx.get_usage(), file=file, err=True, color=ctx.color)
        hint = ""
        if ctx is not None and ctx.command.get_help_option(ctx) is not None:
            names = sorted(ctx.help_option_names, key=len, reverse=True)  # --help reads better than -h
            hint = f"可用 {ctx.command_path} {names[0]} 查看用法。"
        click.echo(f"错误：{self.message}{hint}", file=file, err=True, color=ctx.color if ctx else None)


def in_chinese(exc: click.UsageError, ctx: click.Context, args: list[str]) -> click.UsageError:
    """Return *exc* as a :class:`ChineseUsageError` (the help page of NoArgsIsHelp is kept as it is)."""
    if isinstance(exc, (ChineseUsageError, click.exceptions.NoArgsIsHelpError)):
        return exc
    ctx = exc.ctx or ctx
    error = ChineseUsageError(usage_sentence(exc, ctx, args), ctx)
    error.exit_code = exc.exit_code
    return error


def usage_sentence(exc: click.UsageError, ctx: click.Context, args: list[str]) -> str:
    """Say in Chinese what *exc* reports, from the option, parameter or command it names."""
    if isinstance(exc, click.NoSuchOption):
        guess = f"您要找的是不是 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        owners = _commands_with_option(ctx, exc.option_name)
        if owners and not guess:
            guess = f"它是命令 {'、'.join(owners[:4])} 的选项，请写在命令名之后，如 {ctx.command_path} {owners[0]} {exc.option_name} …。"
        return f"没有这个选项：{exc.option_name}。{guess}"
    if isinstance(exc, click.exceptions.NoSuchCommand):
        names = [n for n in ctx.command.list_commands(ctx) if not ctx.command.get_command(ctx, n).hidden]
        guess = f"您要找的是不是 {'、'.join(exc.possibilities)}？" if exc.possibilities else ""
        return f"没有这个命令：{exc.command_name}。{guess}可用的命令：{'、'.join(names)}。"
    if isinstance(exc, click.BadOptionUsage):
        option = _option_named(ctx, exc.option_name)
        if option is not None and (option.is_flag or option.count):
            return f"选项 {exc.option_name} 是开关，不需要取值。"
        nargs = option.nargs if option is not None else 1
        what = "一个取值" if nargs == 1 else f"{nargs} 个取值"
        return f"选项 {exc.option_name} 后面需要{what}{_described(option)}。"
    if isinstance(exc, click.MissingParameter):
        return _missing(exc.param, ctx)
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc, ctx, args)
    if isinstance(exc, click.BadArgumentUsage):
        return "参数的个数不对。"
    if _CJK.search(exc.message or ""):
        return exc.message  # our own callbacks already speak Chinese
    if type(exc) is click.UsageError and ctx is not None:
        extra = _extra_arguments(ctx, args)
        if extra:
            return f"多余的参数：“{' '.join(extra)}”。含空格的检索词或路径请加引号。"
        if isinstance(ctx.command, click.Group) and not args:
            names = [n for n in ctx.command.list_commands(ctx)]
            return f"缺少命令。可用的命令：{'、'.join(names)}。"
    return "命令行的写法不对。"


def _commands_with_option(ctx, name: str) -> list[str]:
    """Return the subcommands of a group that do have option *name* (it was written too early)."""
    group = ctx.command if ctx is not None else None
    if not isinstance(group, click.Group):
        return []
    found = []
    for command_name in group.list_commands(ctx):
        command = group.get_command(ctx, command_name)
        if command is not None and any(name in (*p.opts, *p.secondary_opts) for p in command.params
                                       if isinstance(p, click.Option)):
            found.append(command_name)
    return found


def _option_named(ctx, name: str):
    if ctx is None:
        return None
    for param in ctx.command.get_params(ctx):
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def _param_name(param) -> str:
    if isinstance(param, click.Option):
        return "/".join(param.opts)
    return param.human_readable_name


def _described(param) -> str:
    """Return the option's help text as a parenthesis, so the sentence says what the value is."""
    text = (getattr(param, "help", None) or "").strip()
    return f"（{text.rstrip('。')}）" if text else ""


def _missing(param, ctx) -> str:
    if param is None:
        return "缺少参数。"
    if isinstance(param, click.Option):
        return f"缺少选项 {_param_name(param)}{_described(param)}。"
    return f"缺少参数 {_param_name(param)}。"


def _raw_values(param, ctx, args: list[str]) -> list[str]:
    """Return the values the user gave *param*, read again from the command line."""
    if not args or ctx is None or param.name is None:
        return []
    try:
        opts, _rest, _order = ctx.command.make_parser(ctx).parse_args(args=list(args))
    except click.UsageError:
        return []
    value = opts.get(param.name)
    if value is None or not isinstance(value, (str, list, tuple)):
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def _extra_arguments(ctx, args: list[str]) -> list[str]:
    try:
        _opts, rest, _order = ctx.command.make_parser(ctx).parse_args(args=list(args))
    except click.UsageError:
        return []
    return [str(a) for a in rest]


def _bad_value(exc: click.BadParameter, ctx, args: list[str]) -> str:
    param = exc.param
    if param is None:
        return exc.message if _CJK.search(exc.message or "") else "参数的取值无效。"
    name = _param_name(param)
    values = _raw_values(param, ctx, args)
    value = next((v for v in values if not _converts(param, v, ctx)), values[0] if values else None)
    shown = f"“{value}”" if value is not None else "给出的值"
    if _CJK.search(exc.message or ""):  # raised by our own callback with a Chinese reason
        return f"{name} 的取值{shown}无效：{exc.message}"
    kind = param.type
    if isinstance(kind, click.Choice):
        return f"{name} 的取值{shown}不在可选范围内，可选：{'、'.join(map(str, kind.choices))}。"
    if isinstance(kind, (click.IntRange, click.FloatRange)) and value is not None and _is_number(value):
        return f"{name} 的取值{shown}超出范围，应{_range(kind)}。"
    if isinstance(kind, click.Path) and value is not None:
        return f"{name} 的取值{shown}不可用：{_path_problem(kind, value)}。"
    wanted = TYPE_NAMES.get(kind.name)
    if wanted:
        return f"{name} 的取值{shown}不是{wanted}。"
    return f"{name} 的取值{shown}无效。"


def _converts(param, value: str, ctx) -> bool:
    try:
        param.type.convert(value, param, ctx)
        return True
    except click.BadParameter:
        return False


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _range(kind) -> str:
    low, high = kind.min, kind.max
    if low is not None and high is not None:
        return f"在 {low} 到 {high} 之间"
    if low is not None:
        return f"{'大于' if kind.min_open else '不小于'} {low}"
    return f"{'小于' if kind.max_open else '不大于'} {high}"


def _path_problem(kind: click.Path, value: str) -> str:
    exists = os.path.exists(value)
    if kind.exists and not exists:
        return "不存在"
    if exists and not kind.dir_okay and os.path.isdir(value):
        return "这是一个文件夹，需要的是文件"
    if exists and not kind.file_okay and not os.path.isdir(value):
        return "这是一个文件，需要的是文件夹"
    if exists and kind.writable and not os.access(value, os.W_OK):
        return "没有写入权限"
    if exists and kind.readable and not os.access(value, os.R_OK):
        return "没有读取权限"
    return "路径无效"


def option_row(option: click.Option, ctx) -> tuple[str, str]:
    """Return the option table row: its spellings with a Chinese metavar, its help and extras."""
    def spelled(opts) -> str:
        text = join_options(opts)[0]
        return text if option.is_flag or option.count else f"{text} {metavar(option, ctx)}"

    left = " / ".join(spelled(o) for o in (option.opts, option.secondary_opts) if o)
    extra = option.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(f"环境变量：{'、'.join(extra['envvars'])}")
    if "default" in extra:
        notes.append(f"默认：{extra['default']}")
    if isinstance(option.type, (click.IntRange, click.FloatRange)):
        notes.append(f"取值{_range(option.type)}")
    if "required" in extra:
        notes.append("必填")
    text = option.help or ""
    if notes:
        text = f"{text}［{'；'.join(notes)}］"
    return left, text


def metavar(param: click.Parameter, ctx) -> str:
    """Return the placeholder shown after an option: the code's own, the choices, or a Chinese type."""
    if param.metavar is not None:
        return param.metavar
    if isinstance(param.type, click.Choice):
        return "[" + "|".join(map(str, param.type.choices)) + "]"
    word = METAVARS.get(param.type.name, "值")
    return f"{word}..." if param.nargs != 1 and not getattr(param, "multiple", False) else word
