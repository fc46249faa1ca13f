"""The one way the project reads YAML: front matter, ``_folder.yml`` and every side file.

PyYAML's safe loader still does two things a hand-edited corpus must not meet:

- it turns ``2005-02-30`` into a date and raises a plain ``ValueError`` for an impossible one
  (so one typo escaped every collect-and-carry-on path); here dates stay text and
  :func:`indexer.corpus.document.normalize_date` decides them with a Chinese message;
- it expands anchors and aliases, so a few hundred bytes (``&a [*b, *b, ...]`` nested 7 deep)
  become millions of values; here any anchor or alias is refused before anything is built;
- explicit type tags (``!!float x``, ``!!set``) raise more plain exceptions; they are refused too.
"""
from __future__ import annotations

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent

from ..errors import CorpusError

MAX_DEPTH = 20  # nesting of lists and mappings: the corpus needs 3
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class RefusedYAML(yaml.YAMLError):
    """A construct the corpus does not allow; ``problem`` is already a Chinese phrase."""

    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark
        self.context = None


class CorpusLoader(yaml.SafeLoader):
    """SafeLoader without timestamps, type tags, anchors or aliases, and with bounded nesting."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor is not None):
            raise RefusedYAML(
                "用了引用写法（& 开头的锚点或 * 开头的别名）。为防止少量文字展开成巨量内容，"
                "语料文件不允许使用引用，请把内容直接写出", event.start_mark)
        if getattr(event, "tag", None) not in (None, "!"):
            # !!float x, !!binary, !!set ...: nothing in the corpus needs a type tag
            raise RefusedYAML("含有不允许的类型标记（以 ! 开头的写法），请删去", event.start_mark)
        if not isinstance(event, CollectionStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise RefusedYAML(f"列表或字段嵌套超过 {MAX_DEPTH} 层", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_bounded_int(self, node):
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts (int_max_str_digits): keep the text
            return self.construct_scalar(node)


CorpusLoader.add_constructor("tag:yaml.org,2002:int", CorpusLoader.construct_bounded_int)


# PyYAML explains problems in English; office staff get the usual causes in Chinese.
_YAML_PROBLEMS = (
    ("could not determine a constructor", "含有不允许的类型标记（以 ! 开头的写法），请删去"),
    ("mapping values are not allowed", "冒号的位置不对：值里含有“: ”时，请给整个值加上引号"),
    ("cannot start any token", "含有不能出现在这里的字符（如制表符、@ 或 `），请改用空格或给值加上引号"),
    ("found unexpected end of stream", "引号或括号没有配对"),
    ("found unknown escape character", "双引号内有无效的反斜杠写法，请改用单引号"),
    ("expected <block end>", "缩进不一致，同一层的字段请对齐"),
    ("did not find expected key", "缩进不一致，同一层的字段请对齐"),
    ("expected ',' or ']'", "方括号列表的写法有误，应为 [甲, 乙]"),
    ("expected a single document", "一个文件里只能有一份内容（不要写第二个 ---）"),
    ("special characters are not allowed", "含有不能识别的控制字符，请删去"),
)


def yaml_problem(exc: Exception, first_line: int = 1) -> str:
    """Return where and why YAML could not be read, as a Chinese phrase (no English)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"第 {mark.line + first_line} 行" if mark else ""
    if isinstance(exc, RefusedYAML):
        return f"{where}格式错误：{exc.problem}。"
    problem = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''}"
    reason = next((text for key, text in _YAML_PROBLEMS if key in problem), "请检查冒号、引号、括号和缩进")
    return f"{where}格式错误：{reason}。"


def load_yaml(text: str, path: str, *, label: str = "YAML ", first_line: int = 1):
    """Parse *text* with :class:`CorpusLoader`; any failure is a CorpusError naming *path*.

    :param label: how the message names the YAML (``头信息（YAML）`` for front matter).
    :param first_line: the file line of the text's first line, for the line number shown.
    :raises CorpusError: with a Chinese reason and the line.
    """
    try:
        return yaml.load(text, Loader=CorpusLoader)
    except yaml.YAMLError as exc:
        raise CorpusError(path, None, label + yaml_problem(exc, first_line))
    except RecursionError:
        raise CorpusError(path, None, f"{label}格式错误：嵌套层数过多。")
    except (ValueError, TypeError, OverflowError):  # a constructor's own complaint: never an internal error
        raise CorpusError(path, None, f"{label}中有无法读取的值，请检查写法（数字、日期请直接书写，不要加类型标记）。")
