"""Question analysis for Q&A: strip filler, detect the question type, collect weighted key terms.

The key terms go through the same analyzer and alias table as search (``QueryCompiler``), so a
question finds exactly what a search for its words would find.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as Q

from ..analysis import fold_width
from ..corpus import WORDING_FACTOR
from ..search import STOPWORDS, ParsedQuery, QueryCompiler, strip_mentions

# Question types and the patterns that reveal them, most specific first.  Each pattern is also
# removed from the text before the key terms are taken (it says what is asked, not about what).
TYPE_PATTERNS: list[tuple[str, str]] = [
    ("time", r"(?:时间|日期|时候|年份)(?:是|为)(?:什么|何时|哪一?天|多少)|什么时候|什么时间|啥时候?|何时|哪一?天|哪一?年|哪个月|几月几日|几月份?|几号|几点|何年|哪个时期|什么年代|哪个朝代"
             r"|从(?:什么|何)时(?:候)?(?:开始)?算起|从何算起|多长时间|多长期限|多久|最晚|最迟"),
    ("reason", r"(?<![括称作成分列视])为什么|为何|为啥|什么原因|何故|怎么死的|因何"),
    ("permission", r"能不能|能否|可不可以|可否|是否可以|是否允许|允许不允许|能不|是否|是不是|有没有|可以吗|行不行|算不算|要不要|用不用|得不得"),
    ("actor", r"由谁|是谁|归谁|找谁|谁来|谁|哪个部门|哪个单位|哪一?级|什么人|哪些人|哪位|什么机构|哪个机构|哪个机关|什么机关|哪级"
              r"|什么单位|什么部门|哪个组织|哪家|归哪里?管|报哪里|向哪里?|找哪里?"),
    ("location", r"在哪里|在哪儿|在哪|哪里|哪儿|何处|何地|什么地方|哪个国家|哪个城市|哪个省|哪座"),
    ("list", r"哪些|哪几[个种类项方面点条]*|包括什么|包含什么|有什么内容|分为什么|分为几|有啥"),
    ("quantity", r"几周岁|多少周岁|几岁|多少岁|多大岁数|多大年龄|多少个?工作日|几个?工作日|几个月|多少个月|多少钱|多少倍|几倍"
                 r"|(?:多少|几)(?:个工作日|个月|天|日|年|小时)(?:以内|之内|内)"
                 r"|多少(?:天|日|年|小时|分钟|元|万元|人|名|次|学时|课时|字|条|项|件|平方米|公里|公斤|吨)"
                 r"|多少|几[个名天次件人项周年月条种位家所批届岁页倍日小]|几|多长|多大|多高|多重|多远|多宽|多深|多厚"
                 r"|百分之几|什么比例|多大比例|比例是|最多|最少|至少|最长|最短|最高|最低"),
    ("method", r"怎么办|咋办|咋整|咋弄|怎么整|怎么弄|怎么处理|如何|怎样|怎么样?|咋|什么办法|什么措施|什么要求|有何要求|什么程序"),
    ("definition", r"什么是|是什么|是啥|是指什么|什么意思|啥意思|什么含义|起什么作用|什么作用|何谓|指什么|指的是|指啥"),
    ("other", r"什么|哪|啥"),
]
_TYPE_RES = [(name, re.compile(pattern)) for name, pattern in TYPE_PATTERNS]
_ALL_QUESTION_WORDS = re.compile("|".join(f"(?:{p})" for _, p in TYPE_PATTERNS))
# Politeness and sentence-final particles; punctuation.
_FILLER_RE = re.compile(
    r"(?:请问一下|请问|请教一下|请教|我想问一下|我想问问|我想问下|我想问|想问一下|想问问|想问下|想问|我想了解一下|我想了解"
    r"|我想知道|想知道|问一下|问问|打听一下|麻烦问一下|麻烦问下|麻烦问|大家常说的|大家说的|人们常说的|平时说的|常说的|通常说的"
    r"|所谓的|一般来说|一般情况下|总的来说|说白了|也就是说|到底|究竟|下面|咱们|咱|我们这儿|我们这里|我们这边|那么|那个|这个事|这事儿?)"
    r"|(?:[吗呢吧啊呀嘛哈]|(?<![什怎多这那])么)+(?=[\s?？!！。.,，]*$)")
_PUNCT_RE = re.compile(r"[?？!！。，,、；;：:“”\"'‘’「」『』《》()（）\[\]【】\s]+")
# Glue words a question uses that an answer sentence rarely repeats.
QUESTION_GLUE = frozenset("""一般 通常 主要 具体 分别 到底 究竟 呢 需要 应该 可以 能 会 要 该 有 是 的 了 吗 为
请问 哪 些 多 少 几 谁 什么 怎么 如何 怎样 何 是否 的话 样 样子 啥 咋 我 我们 咱们 你 您 他们 大家 想 知道 问问
一下 下面 这个 那个 这种 那种 现在 然后 就是 还是 得 要是 如果 假如 万一 比如 说 讲 叫 搞 弄 整 干 呀 啊 吧 哈 嘛
以后 之后 以前 之前 的时候 一些 一点 有点 一共 总共 一共有 总共有 有没有 能不能 可不可以 行不行 算不算 最多 最少 至少 最长 最短 最高 最低 最晚 最迟 多久 多长 多大""".split())

# Everything a question says besides its topic: its glue words and the search's stop words.
NOT_TOPIC = QUESTION_GLUE | STOPWORDS

# Words a question uses and the words an answer sentence typically uses for the same thing
# (general Chinese usage, not tied to any document): 职务 is answered by 任/担任, 别称 by 又名.
CUES: list[tuple[str, tuple[str, ...]]] = [
    (r"别称|别名|又称|又叫|俗称|外号|昵称|简称", ("又称", "又名", "别称", "别名", "俗称", "亦称", "简称", "又叫", "也叫", "也称", "通称", "古称", "旧称")),
    (r"原名|本名|初名|旧称|曾用名|原来叫", ("原名", "本名", "初名", "旧称", "原称", "曾名", "前身", "原为")),
    (r"职务|职位|官职|担任|任职|出任|什么官", ("任", "担任", "出任", "就任", "升任", "当选", "兼任", "任命")),
    (r"用途|用处|作用|功效|功能|用来|有什么用", ("用于", "用作", "用来", "可用", "作为", "用途", "功效", "可以", "能够", "有助于", "可作")),
    (r"目的|目标|宗旨|为了什么", ("目的", "目标", "旨在", "为了", "以便", "宗旨", "致力于", "希望")),
    (r"出生|生于|生日", ("生于", "出生", "出世", "诞生")),
    (r"去世|逝世|死亡|死于|怎么死|死因|卒", ("逝世", "去世", "死于", "病逝", "卒", "身亡", "遇害", "被杀", "自杀", "阵亡", "处死", "战死", "死")),
    (r"毕业|学历|就读|哪所大学|哪所学校", ("毕业", "就读", "学历", "学位", "入读", "考入")),
    (r"位置|位于|坐落|在哪", ("位于", "坐落", "地处", "处于", "在")),
    (r"成立|创立|创建|建立|创办|设立|成立于", ("成立", "创立", "创建", "建立", "创办", "设立", "始建")),
    (r"首播|播出|播放|上映", ("首播", "播出", "播映", "上映", "放映", "开播")),
    (r"组成|构成|成员", ("组成", "构成", "包括", "成员", "由")),
    (r"特点|特征|特色|特性", ("特点", "特征", "特色", "特性", "著称", "以")),
    (r"评价|看法|认为", ("评价", "称", "认为", "誉为", "赞", "指出", "批评")),
    (r"体裁|类型|种类|属于", ("是一", "属于", "一种", "一部", "一类", "类")),
    (r"分布|产地|生长", ("分布", "产于", "生长", "生活", "栖息", "见于")),
    (r"得名|命名|名字|名称由来|为什么叫|称为", ("得名", "命名", "名字", "由此", "故名", "称为", "因此", "取名", "名称")),
    (r"意思|含义|意义|指什么", ("意思", "含义", "意为", "指", "即", "意义", "意指")),
    # Rules state bounds and deadlines in fixed words (general legal usage, not any one text).
    (r"最多|最长|最高|上限|顶多|不能超过|不超过|封顶", ("不得超过", "不超过", "最长", "最高", "以下", "以内", "至多", "上限")),
    (r"最少|至少|最低|起码|下限|不能少于", ("不少于", "不得少于", "不得低于", "不低于", "以上", "至少", "最低")),
    (r"最晚|最迟|多久|多长时间|几天内|多少天内|多少日内|期限|时限", ("日内", "以内", "之内", "期限", "届满", "之日起", "前")),
    (r"罚多少|罚款|罚钱|多少钱|赔多少", ("罚款", "元以上", "元以下", "罚金", "赔偿", "倍")),
    (r"由谁|归谁|哪个部门|哪个机关|谁来|谁负责|谁管|归哪", ("由", "负责", "主管", "机关", "部门", "人民政府")),
    (r"能不能|能否|可不可以|可以吗|行不行|允许|准不准|算不算", ("不得", "可以", "应当", "禁止", "有权", "不予")),
]
_CUE_RES = [(re.compile(pattern), words) for pattern, words in CUES]

# The unit a quantity or period question asks for (几周岁 → 周岁), as a pattern an answer span
# must match to count fully: asked for the days, a sentence giving only an amount of money
# (or a sub-total in hours when the total is asked) is no answer.
UNIT_HINTS: list[tuple[str, str]] = [
    (r"几周岁|多少周岁|几岁|多少岁|多大年龄|多大岁数|年龄|年满|满几|多大(?:才|就)?(?:可以|能|才能|算|得)|最早多大|多大以[上下]",
     r"周岁|岁"),
    (r"多少个?工作日|几个工作日", r"工作日"),
    (r"几个月|多少个月", r"个月|月"),
    (r"几天|多少天|几日|多少日|几天内|多少天内", r"日|天|工作日"),
    (r"几小时|多少小时|多少个小时|几个小时", r"小时"),
    (r"几年|多少年", r"年"),
    (r"几倍|多少倍", r"倍"),
    (r"多少钱|罚多少|赔多少|多少元|多少万|罚款多少|多少罚款|补偿多少|工资多少|多少工资", r"元|倍|工资|百分之|分之|%|％"),
    (r"[交缴]多少|多少(?:党费|费用|经费|税|保费|押金|定金)", r"元|%|％|百分之|分之|倍"),
    (r"百分之几|多少比例|什么比例|多大比例|比例是多少|占多少", r"百分之|分之|%|％|成"),
    (r"多少学时|几个学时|几学时|多少课时", r"学时|课时"),
    (r"多少人|几个人|几人|几名|多少名", r"人|名"),
    (r"多久|多长时间|多长期限|期限是|最长|最晚|最迟|时限", r"日|天|月|年|小时|分钟|工作日|周|期限|之前|以前|届满|之日起"),
]
_UNIT_RES = [(re.compile(pattern), unit) for pattern, unit in UNIT_HINTS]


def unit_hint(text: str) -> str:
    """Return the unit pattern the question asks for (see :data:`UNIT_HINTS`), or ''."""
    folded = fold_width(text)
    for pattern, unit in _UNIT_RES:
        if pattern.search(folded):
            return unit
    return ""

# The quantity type also accepts answers phrased as periods, and the reverse.
TYPE_LABELS = {
    "quantity": "数量", "time": "时间", "actor": "主体", "permission": "是否允许", "list": "列举",
    "method": "做法", "definition": "含义", "reason": "原因", "location": "地点", "other": "其他",
}


@dataclass(frozen=True)
class AnalyzedQuestion:
    """A question reduced to its type and key terms.

    ``groups`` are the key words in question order; each is a list of alternatives (an alias and
    its full names), each alternative a tuple of tokens that must all be present.
    """

    text: str
    core: str
    qtype: str
    groups: tuple[tuple[tuple[str, ...], ...], ...]
    query: object = field(repr=False, compare=False, default=None)   # whoosh OR query
    bigrams: frozenset = frozenset()
    numbers: frozenset = frozenset()
    cues: tuple[str, ...] = ()
    # alternative (a token tuple) -> how much it counts when found instead of the literal words:
    # aliases' full names (ALIAS_FACTOR) and official words for everyday ones (WORDING_FACTOR)
    factors: dict = field(default_factory=dict, compare=False)
    named: tuple = ()      # NamedDocument: the documents the question names (按劳动合同法……)
    unit: str = ""         # the unit an answer must carry (unit_hint)

    @property
    def tokens(self) -> set[str]:
        return {t for group in self.groups for alt in group for t in alt}


def detect_type(text: str) -> str:
    """Return the question type of *text*: quantity, time, actor, permission, list, ..."""
    folded = fold_width(text)
    # "可以…吗" and "能…吗" are yes/no questions about what is allowed.
    if re.search(r"(?:可以|能|允许|准许|得)[^，,。？?]{0,20}(?<![什怎多这那])[吗么][?？]?\s*$", folded) and not re.search(
            r"多少|几|谁|哪|什么时候", folded):
        return "permission"
    best = None
    for name, pattern in _TYPE_RES:
        match = pattern.search(folded)
        if match and (best is None or (name != "other" and best[0] == "other")):
            best = (name, match.start())
            if name != "other":
                break
    return best[0] if best else "other"


def strip_question(text: str) -> str:
    """Remove politeness, question words, particles and punctuation; keep the content words."""
    folded = fold_width(text).strip()
    folded = _FILLER_RE.sub(" ", folded)
    folded = _ALL_QUESTION_WORDS.sub(" ", folded)
    folded = _PUNCT_RE.sub(" ", folded)
    return " ".join(folded.split())


def _bigrams(text: str) -> set[str]:
    out = set()
    for piece in text.split():
        for i in range(len(piece) - 1):
            out.add(piece[i:i + 2])
    return out


# An alias's full names count for a little less than the word typed: the passage that literally
# says 保先办 answers a question about 保先办 before those that only say its full name.
ALIAS_FACTOR = 0.9


def analyze_question(text: str, compiler: QueryCompiler, wording: dict | None = None,
                     titles=None) -> AnalyzedQuestion:
    """Analyse *text* with the search analyzer and aliases (see :class:`AnalyzedQuestion`).

    :param wording: everyday word → official words (``corpus/wording.yml``), added as weaker
        alternatives of the word.
    :param titles: a :class:`~indexer.search.naming.TitleIndex`; the documents the question names are
        kept in ``named`` and their names taken out of the key words.
    """
    named = tuple(titles.find(text)) if titles is not None else ()
    body = strip_mentions(text, list(named)) if named else text
    core = strip_question(body)
    qtype = detect_type(text)
    groups, clauses, optional, factors = [], [], [], {}
    seen = set()

    def add(compiled, weaker=None, weaker_factor=1.0):
        optional.extend(compiled.optional)
        for clause, group in zip(compiled.required, compiled.groups):
            alternatives = []
            for n, tokens in enumerate(group):
                kept = tuple(t for t in tokens if t not in QUESTION_GLUE) if len(tokens) == 1 else tuple(sorted(tokens))
                if kept and kept not in alternatives:
                    alternatives.append(kept)
                    if n:
                        factors.setdefault(kept, ALIAS_FACTOR)
            if weaker and alternatives:
                extra = []
                for tokens in weaker:
                    kept = tuple(sorted(tokens))
                    if kept and kept not in alternatives:
                        alternatives.append(kept)
                        factors.setdefault(kept, weaker_factor)
                        extra.append(tokens)
                if extra:
                    clause = Q.Or([clause, Q.Or([compiler.phrase_clause(t) for t in extra], boost=weaker_factor)])
            key = tuple(alternatives)
            if alternatives and key not in seen:
                seen.add(key)
                groups.append(key)
                clauses.append(clause)

    bounds = None
    if wording:
        tokens = compiler.analyzer.tokens(core)
        bounds = ({t.start for t in tokens} | {0}, {t.end for t in tokens} | {len(core)})
    for piece, official in _split_wording(core, wording or {}, bounds):
        compiled = compiler.compile(ParsedQuery(text=piece, words=piece.split()))
        if official and compiled.groups:
            # one group: the everyday word as typed, or any of its official words
            literal = compiler.compile(ParsedQuery(text=piece, phrases=[piece]))
            weaker = [tuple(compiler.analyzer.terms(w)) for w in official]
            weaker = [t for t in weaker if t]
            if literal.groups:
                add(literal, weaker, WORDING_FACTOR)
                continue
        add(compiled)
    query = None
    if clauses:
        query = Q.Or(clauses + optional)
    numbers = frozenset(re.findall(r"\d+(?:\.\d+)?", core))
    folded = fold_width(text)
    cues = tuple(dict.fromkeys(w for pattern, words in _CUE_RES if pattern.search(folded) for w in words))
    return AnalyzedQuestion(text=text, core=core, qtype=qtype, groups=tuple(groups), query=query,
                            bigrams=frozenset(_bigrams(core)), numbers=numbers, cues=cues,
                            factors=factors, named=named, unit=unit_hint(text))


def _split_wording(core: str, wording: dict, bounds=None) -> list[tuple[str, tuple]]:
    """Split *core* into pieces: ``(everyday word, official words)`` and ``(other text, ())``.

    The longest everyday word wins where two overlap. With *bounds* (token starts, token ends)
    an everyday word must begin and end where the segmenter cuts: 谈话 inside 个别谈话 is not it.
    """
    if not wording or not core:
        return [(core, ())] if core else []
    keys = _wording_keys(wording)
    out, buffer, i = [], [], 0
    while i < len(core):
        for key in keys.get(core[i], ()):
            if core.startswith(key, i) and (bounds is None or (i in bounds[0] and i + len(key) in bounds[1])):
                if buffer:
                    out.append(("".join(buffer), ()))
                    buffer = []
                out.append((key, wording[key]))
                i += len(key)
                break
        else:
            buffer.append(core[i])
            i += 1
    if buffer:
        out.append(("".join(buffer), ()))
    return [(p, o) for p, o in out if p.strip()]


_WORDING_KEYS: dict[int, tuple[dict, dict]] = {}


def _wording_keys(wording: dict) -> dict[str, list[str]]:
    """First character → everyday words starting with it, longest first (cached per table)."""
    cached = _WORDING_KEYS.get(id(wording))
    if cached is not None and cached[0] is wording:
        return cached[1]
    keys: dict[str, list[str]] = {}
    for key in sorted(wording, key=len, reverse=True):
        keys.setdefault(key[0], []).append(key)
    if len(_WORDING_KEYS) > 8:
        _WORDING_KEYS.clear()
    _WORDING_KEYS[id(wording)] = (wording, keys)
    return keys


_OPERATOR_RE = re.compile(r"(?:^|\s)[-－]\S|[:：]")
_QUOTE_RE = re.compile(r"[\"“”「」]")


def looks_like_question(text: str) -> bool:
    """Tell whether *text* typed in a search box is a question rather than keywords.

    A question ends with ？/? or contains a question word; text using -exclusion or
    field:value is a keyword search. Quotes alone do not make a search: a question may quote
    the term it asks about (分析评议阶段的“近年来”指什么).
    """
    text = (text or "").strip()
    if len(text) < 3 or _OPERATOR_RE.search(text):
        return False
    if _QUOTE_RE.search(text):
        bare = _QUOTE_RE.sub("", text)
        return bool(_ALL_QUESTION_WORDS.search(bare)) and detect_type(bare) != "other"
    if text.endswith(("？", "?")):
        return True
    return bool(_ALL_QUESTION_WORDS.search(text)) and detect_type(text) != "other"

# Single characters too common or too grammatical to stand for a question word on their own.
