"""Policy Q&A without a language model: find the sentence that answers a question, with its source.

1. Analyse the question (``question.py``): type, key words with aliases, the same analyzer as search.
2. Retrieve documents with an OR query of the key words (BM25F) and score their stored passages by
   IDF-weighted coverage of the key words, using the stored term strings (no re-segmentation).
3. Segment only the best few passages and score sentences (and pairs of adjacent sentences):
   coverage weighted by global IDF times a *local* IDF (a word that every sentence of the passage
   repeats, such as the subject of an encyclopaedia article, says little about which sentence
   answers), character-bigram overlap, what it says beyond the question words, and whether it
   holds something that looks like an answer of the question's type not already in the question
   (``sentencescore.py``).
4. Trim the winner to 200 characters clause by clause around the answering part, and mark it.
When the best evidence is weak the answer set is empty and the caller shows search hits instead.
"""
from __future__ import annotations

import re

from whoosh import query as Q

from ..analysis import TextAnalyzer, is_content_word, is_function_word, specificity
from .answers import Answer
from .candidates import PassageCandidate, SentenceCandidate
from .retrieval import top_or
from .question import AnalyzedQuestion
from .repair import repair_unknown
from .ranges import is_value_group
from .coverage import group_share, group_weight, groups_present
from .sentencescore import NUMBER_UNIT_RE, TYPED_EVIDENCE, score_sentences, unit_pattern
from .trimming import trim_span
from ..search import HTML, Marked, authority, top_hits

TOP_DOCS = 10
# ... chosen from this many times as many by their kind (see passages)
RERANK_FACTOR = 2
TOP_PASSAGES = 6
# An answer needs this share of the question's IDF weight in its sentence (or the document title)
# and this final score; below either the caller reports 未找到明确答案.
MIN_EVIDENCE = 0.35
MIN_SCORE = 0.2
# Below the evidence floor, the best sentence is still shown as 可能的答案 when it has this much
# evidence and comes from a document the question names or a passage holding this share of the
# question's weight.
TENTATIVE_EVIDENCE, TENTATIVE_COVERAGE = 0.15, 0.4
# ... and, from a document the question names, a final score this low still counts.
TENTATIVE_NAMED_SCORE = 0.1
# A question word the index has never seen (工资 in a corpus without it) makes a weak match
# suspicious: then the answer needs this much evidence.
MIN_EVIDENCE_UNKNOWN = 0.45
# A demonstration text (front matter sample: true: invented units, names and numbers) never
# outweighs a real document that answers as well; a question naming it is answered from it as usual.
SAMPLE_FACTOR = 0.8
# A typical case tells what someone did; on equal evidence the rule saying what to do answers.
LEVEL_FACTOR = {"case": 0.95}
# Asked what to do (怎么办) or what is allowed (能否), a supervisor needs the rule, not a story that
# happens to repeat the question's words.
NORMATIVE_TYPES = {"method": 0.85, "permission": 0.85}
STATUS_FACTOR = {"现行有效": 1.0, "已被替代": 0.6, "已废止": 0.5}
# Asked about a named document (按劳动合同法……), a passage of another document counts this much.
UNNAMED_FACTOR = 0.5
# A question that names no place asks about the national rule: a local regulation restating it
# (北京市实施《……》办法) counts this much.
LOCAL_FACTOR = 0.5
# A passage stating a number in the unit asked for (几天: 十五日) gains this share of its score;
# and this many of the best passages of named documents are always read.
PASSAGE_UNIT_BONUS = 0.25
# A word in 1/CORPUS_SHARE of the documents or more keeps its full weight however everyday it is.
CORPUS_SHARE = 5.0
NAMED_PASSAGES = 3
UNSEEN_FILLER = 0.1


class QuestionAnswerer:
    """Answer analysed questions from a whoosh searcher (one per thread, like search)."""

    def __init__(self, searcher, analyzer: TextAnalyzer):
        self.searcher = searcher
        self.analyzer = analyzer

    # -- retrieval ---------------------------------------------------------------------------
    def idf(self, question: AnalyzedQuestion) -> dict[str, float]:
        # the corpus idf of each word, less for words common in everyday Chinese (background.py)
        # ... unless the corpus itself uses the word widely (工作, 阶段 in Party documents)
        total = max(1, self.searcher.doc_count())
        out = {}
        for t in question.tokens:
            df = self.searcher.doc_frequency("content", t)
            weight = self.searcher.idf("content", t) * max(specificity(t), min(1.0, CORPUS_SHARE * df / total))
            if not df and is_function_word(t):
                # a turn of speech the corpus never uses (才行, 还会, 别家) cannot be evidence
                # either way; an unseen name or term (差旅费, 下派) still weighs fully
                weight *= UNSEEN_FILLER
            out[t] = weight
        return out

    def _top_documents(self, question: AnalyzedQuestion, top_docs: int, doc_filter=None):
        # whoosh's BM25F top documents and scores, from cached postings (orscore.py; exhaustive,
        # where whoosh's default collector could drop documents of a repaired question).
        results = top_or(self.searcher, question.query, top_docs, doc_filter)
        if results is None:   # a query shape orscore does not score: whoosh, also exhaustive
            allowed = set(self.searcher.docs_for_query(doc_filter)) if doc_filter is not None else None
            results = top_hits(self.searcher, question.query, top_docs, None, allowed)
        return results or []

    def passages(self, question: AnalyzedQuestion, idf: dict[str, float], doc_filter=None,
                 top_docs: int = TOP_DOCS) -> list[PassageCandidate]:
        """Return the passages of the best documents, best first, scored by weighted coverage.

        When the question names documents (按劳动合同法……), their passages are scored too, and
        passages of other documents count for ``UNNAMED_FACTOR`` of their score.
        """
        if question.query is None:
            return []
        # The best documents by BM25F, then by what they are: of twice as many, the ones left after
        # weighing status, authority (a law before the court's interpretation restating it), place
        # and demonstration texts, so that ten restatements cannot crowd the law itself out
        priors = {}   # docnum -> _prior, computed once per document
        results = self._top_documents(question, top_docs * RERANK_FACTOR, doc_filter)
        for hit in results:
            priors[hit.docnum] = _prior(hit["meta"], question.text)
        results = sorted(results, key=lambda hit: -(hit.score or 0.0) * priors[hit.docnum])[:top_docs]
        named_ids = [d for item in question.named for d in item.doc_ids]
        named_results = []
        if named_ids:
            only = Q.Or([Q.Term("doc_id", d) for d in named_ids])
            within = only if doc_filter is None else Q.And([doc_filter, only])
            named_results = self._top_documents(question, len(named_ids), within)
        if not results and not named_results:
            return []
        named_set = {hit["meta"]["id"] for hit in named_results}
        weights = [group_weight(g, idf) for g in question.groups]
        total = sum(weights) or 1.0
        out = []
        ranked = [(hit, True) for hit in named_results]
        ranked += [(hit, False) for hit in results if hit["meta"]["id"] not in named_set]
        top = max((hit.score or 0.0) for hit, _ in ranked) or 1.0
        top_named = max((hit.score or 0.0) for hit in named_results) if named_results else 1.0
        factors = question.factors
        unit_re = unit_pattern(question.unit) if question.unit else None
        for rank, (hit, is_named) in enumerate(ranked):
            meta = hit["meta"]
            title_terms = {t.text for t in self.analyzer.tokens(meta.get("title", ""), subwords=True)}
            in_title = [group_share(g, title_terms, factors) for g in question.groups]
            if is_named:
                doc_score = (hit.score or 0.0) / (top_named or 1.0)
                factor = 1.0
            else:
                doc_score = (hit.score or 0.0) / top
                factor = UNNAMED_FACTOR if named_set else 1.0
            if is_named:
                status = _status(meta)
            else:
                status = priors.get(hit.docnum) or _prior(meta, question.text)
            if meta.get("level") == "case":
                status *= NORMATIVE_TYPES.get(question.qtype, LEVEL_FACTOR["case"])
            passages = hit["passages"]
            # How much of each group each passage holds; most passages of a long law hold none,
            # and passages holding the same groups get the same coverage.
            present = groups_present(question.groups, [p[3] for p in passages], factors,
                                      [p[2] for p in passages])
            by_row: dict = {}
            for passage, row in zip(passages, present):
                found = by_row.get(row)
                if found is None:
                    covered = 0.0
                    for held, weight, titled in zip(row, weights, in_title):
                        covered += weight * max(held, 0.5 * titled)
                    coverage = covered / total
                    found = by_row[row] = (coverage, coverage * (0.55 + 0.45 * doc_score) * status * factor)
                score = found[1]
                if unit_re is not None and score and NUMBER_UNIT_RE.search(passage[2]) and unit_re.search(passage[2]):
                    # asked 多少天, a passage stating a number of days may hold the answer
                    score *= 1.0 + PASSAGE_UNIT_BONUS
                out.append(PassageCandidate(meta, passage, rank, doc_score, found[0], score, is_named))
        out.sort(key=lambda c: (-c.score, c.doc_rank))
        return out

    # -- sentences ---------------------------------------------------------------------------
    def sentences(self, question: AnalyzedQuestion, candidate: PassageCandidate,
                  idf: dict[str, float]) -> list[SentenceCandidate]:
        """Score every sentence and adjacent pair of sentences of one passage (sentencescore.py)."""
        return score_sentences(self.searcher, self.analyzer, question, candidate, idf)

    # -- answers -----------------------------------------------------------------------------
    def answer(self, question: AnalyzedQuestion, doc_filter=None, limit: int = 3,
               top_passages: int | None = None) -> tuple[list[Answer], list[PassageCandidate]]:
        """Return up to *limit* answers and the passage ranking they came from."""
        reader = self.searcher.reader()
        question = repair_unknown(
            question, lambda t: self.searcher.doc_frequency("content", t),
            lambda prefix: (w.decode("utf-8") if isinstance(w, bytes) else w
                            for w in reader.expand_prefix("content", prefix)))
        # something the corpus never mentions (差旅费, 护照, 补助: a content word it has never seen)
        # makes a weak match suspicious; an unseen turn of speech (最起码, 就行了) or a fragment of
        # a spoken question (没人来) does not, nor does a number with its unit (十二年)
        unknown = any(all(any(len(t) >= 2 and not self.searcher.doc_frequency("content", t)
                              and is_content_word(t) for t in alt)
                          for alt in group) for group in question.groups if not is_value_group(group))
        idf = self.idf(question)
        candidates = self.passages(question, idf, doc_filter)
        best_score = candidates[0].score if candidates else 0.0
        pool = [c for c in candidates[:top_passages or TOP_PASSAGES] if c.score >= 0.3 * best_score]
        # The question named these documents: read their best passages even when others
        # match the remaining words better.
        pool += [c for c in candidates if c.named and c.score > 0][:NAMED_PASSAGES]
        pool = list({id(c): c for c in pool}.values())
        scored: list[SentenceCandidate] = []
        for candidate in pool:
            scored.extend(self.sentences(question, candidate, idf))
        scored.sort(key=lambda s: -s.score)
        chosen: list[SentenceCandidate] = []
        texts = set()
        for item in scored:
            if len(chosen) >= limit:
                break
            if any(c.candidate is item.candidate and c.start < item.end and item.start < c.end for c in chosen):
                continue
            # the same sentence in two documents (or twice in one) is one answer
            text = "".join(item.candidate.passage[2][item.start:item.end].split())
            if text in texts:
                continue
            texts.add(text)
            chosen.append(item)
        # Chosen passages first, then the rest in order; deduplicated by identity (each candidate
        # is one passage of one document), since comparing dataclasses field by field against
        # the growing list was quadratic: ~1.6 million comparisons per 12 questions on the law corpus.
        ranking = []
        seen = set()
        for candidate in [item.candidate for item in chosen] + candidates:
            if id(candidate) not in seen:
                seen.add(id(candidate))
                ranking.append(candidate)
        floor = MIN_EVIDENCE_UNKNOWN if unknown else MIN_EVIDENCE
        answers = [self.render(question, item) for item in chosen
                   if item.evidence >= floor and item.score >= MIN_SCORE]
        if not answers and chosen and is_possible_answer(chosen[0], question, unknown):
            answers = [self.render(question, chosen[0], tentative=True)]
        return answers, ranking

    def render(self, question: AnalyzedQuestion, item: SentenceCandidate, tentative: bool = False) -> Answer:
        """Trim a scored span to an :class:`Answer` with its citation."""
        meta = item.candidate.meta
        passage = item.candidate.passage
        text = passage[2]
        start, end, mark = trim_span(text, item.start, item.end, item.matched, item.answer_spans, item.weights)
        marked = Marked(text, (mark,), start, end, before=start > item.start, after=end < item.end)
        status = meta.get("status", "现行有效")
        warning = ""
        if status != "现行有效":
            warning = f"注意：该文件{status}" + (f"（见 {meta['replaced_by']}）" if meta.get("replaced_by") else "") + "。"
        return Answer(
            text=text[start:end].strip(), html=HTML.write(marked), marked=marked, passage=text, anchor=passage[0],
            doc_id=meta["id"], title=meta["title"], level=meta["level"], issuer=meta.get("issuer", ""),
            doc_no=meta.get("doc_no", ""), date=meta.get("date", ""), status=status, section=passage[1],
            score=item.score, warning=warning, tentative=tentative, note=_version_note(question, meta))


def is_possible_answer(best: SentenceCandidate, question: AnalyzedQuestion, unknown: bool) -> bool:
    """Tell whether a sentence below the evidence floor is still shown, labelled 可能的答案.

    It must look like an answer of the type asked for (a number in the unit asked, an organ,
    不得) and come from a document the question names, or from a passage that holds the key word
    and enough of the question. From a named document a lower final score is enough: naming the
    law is itself strong evidence of where the answer stands.
    """
    floor = TENTATIVE_NAMED_SCORE if best.candidate.named else MIN_SCORE
    return (best.evidence >= TENTATIVE_EVIDENCE and best.score >= floor
            and best.typed and (question.qtype in TYPED_EVIDENCE or bool(question.unit))
            and (best.candidate.named
                 or (best.key_held and not unknown and best.candidate.coverage >= TENTATIVE_COVERAGE)))


def _status(meta: dict) -> float:
    return STATUS_FACTOR.get(meta.get("status", "现行有效"), 0.5)


def _prior(meta: dict, question: str) -> float:
    """What a document's kind is worth for a question that does not name it: its status, its
    authority, whether it is a local rule the question gives no place for, a demonstration text."""
    factor = _status(meta) * authority(meta)
    if _is_local(meta.get("title", ""), question):
        factor *= LOCAL_FACTOR
    if meta.get("sample"):
        factor *= SAMPLE_FACTOR
    return factor


_PLACES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
           "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
           "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门")
_LOCAL_RE = re.compile(r"^(?:" + "|".join(_PLACES) + r"|[\u4e00-\u9fff]{2,5}(?:市|自治州|自治县|县))")


def _is_local(title: str, question: str) -> bool:
    """Tell whether *title* is a local rule (北京市实施……办法) the question gives no place for."""
    match = _LOCAL_RE.match(title)
    if not match or title.startswith("示例"):
        return False
    place = match.group(0)
    for name in (place, place[:2]):
        if name in question:
            return False
    return True


def _version_note(question: AnalyzedQuestion, meta: dict) -> str:
    """Say so when the question names a year of an older version than the one answering."""
    years = set(re.findall(r"(?:19|20)\d\d", question.text))
    for named in question.named:
        if meta["id"] in named.doc_ids and named.older and years:
            if str(meta.get("date", ""))[:4] not in years:
                return f"注意：问题提到 {'、'.join(sorted(years))} 年，该文件另有较早版本；此处按最新版本回答。"
    return ""
