"""Pre-computed postings: byte-for-byte what whoosh's own analysis path would index."""
from __future__ import annotations

import pytest
from whoosh.fields import TEXT

from indexer.analysis.analyzer import PreAnalyzed, WhooshChineseAnalyzer
from indexer.corpus import Corpus
from indexer.index.schema import TITLE_BOOST, _join_tokens, doc_record

from conftest import SAMPLE_CORPUS


@pytest.fixture(scope="module")
def sample_docs(sample_kb):
    corpus = Corpus(SAMPLE_CORPUS)
    return [corpus.parse(corpus.read_source(path))[0] for path in corpus.files()]


def whoosh_postings(analyzer, value, field_boost=1.0):
    field = TEXT(analyzer=WhooshChineseAnalyzer(analyzer), phrase=True, field_boost=field_boost)
    return sorted(field.index(value))


def test_term_positions_equal_the_token_stream(sample_kb, sample_docs):
    analyzer = sample_kb.analyzer
    texts = [d.title for d in sample_docs] + [p.text for d in sample_docs for p in d.passages]
    texts += ["最高人民法院下发103.5万元，第三十二条、中发〔2004〕17号、ＰＤＦ文件。", ""]
    for text in texts:
        for subwords in (True, False):
            tokens = analyzer.tokens(text, subwords=subwords)
            terms, positions, end = analyzer.term_positions(text, subwords)
            assert terms == [t.text for t in tokens]
            assert positions == [t.pos for t in tokens]
            assert end == (tokens[-1].pos + 1 if tokens else 0)


def test_documents_index_exactly_as_whoosh_would(sample_kb, sample_docs):
    analyzer = sample_kb.analyzer
    for doc in sample_docs:
        record = doc_record(doc, analyzer, "hash")
        title = PreAnalyzed(doc.title, analyzer.tokens(doc.title, subwords=True))
        assert sorted(record["title"].postings) == whoosh_postings(analyzer, title, TITLE_BOOST)
        texts = [p.text for p in doc.passages] + ([doc.summary] if doc.summary else [])
        content = _join_tokens([analyzer.tokens(t, subwords=True) for t in texts], texts)
        assert sorted(record["content"].postings) == whoosh_postings(analyzer, content)
        for passage, stored in zip(doc.passages, record["passages"]):
            words = dict.fromkeys(t.text for t in analyzer.tokens(passage.text, subwords=True))
            assert stored == (passage.anchor, passage.section, passage.text, " " + " ".join(words) + " ")
