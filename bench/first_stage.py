"""Would a passage-level first stage find the right law more often than the document-level one?

For the questions of bench/qa_sets/law_natural.jsonl that name no law, compare where the gold
law stands among the top 10 documents of Q&A's document-level BM25F retrieval with the top 10
laws of a plain BM25 over single passages (articles), and their union.

Usage: .venv/bin/python bench/first_stage.py LAWS_DIR INDEX_DIR   (builds the passage table in memory, ~15 s)
Measured 2026-12-02: dev (47 questions) document 35, passage 39, union 42; test (65) document 45,
passage 41, union 50 — the union would put the right law among the candidates for 5–7 more
questions per half. Not built into Q&A yet: it needs a passage-level index beside the document
index (this script's in-memory table of the 161k passages is only for measuring).
"""
import collections
import json
import math
import sys
import time
from pathlib import Path
from indexer import KnowledgeBase
from indexer.qa.question import analyze_question
from indexer.qa.repair import repair_unknown
from indexer.search.run import QueryCompiler
import indexer.qa.answerer as A
kb = KnowledgeBase(sys.argv[1], sys.argv[2])
s = kb.searcher()
t = time.time()
titles = []; plen = []; post = collections.defaultdict(list)
for fields in s.all_stored_fields():
    ps = fields["passages"]
    if isinstance(ps, (bytes, str)): ps = json.loads(ps)
    for p in ps:
        terms = p[3].split() if isinstance(p[3], str) else list(p[3])
        pid = len(titles); titles.append(fields["title"]); plen.append(len(terms) or 1)
        for term in set(terms): post[term].append(pid)
N = len(titles); avg = sum(plen)/N
print("passages", N, "build", round(time.time()-t,1), file=sys.stderr)
def top_docs(an, k):
    scores = collections.defaultdict(float)
    for group in an.groups:
        best = collections.defaultdict(float)
        for alt in group:
            f = an.factors.get(alt, 1.0)
            for term in alt:
                plist = post.get(term, ())
                if not plist: continue
                idf = math.log(1 + (N - len(plist) + 0.5) / (len(plist) + 0.5))
                for pid in plist:
                    v = f * idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * plen[pid] / avg))
                    if v > best[pid]: best[pid] = v
        for pid, v in best.items(): scores[pid] += v
    ranked = sorted(scores.items(), key=lambda x: -x[1])
    out = []
    for pid, v in ranked:
        if titles[pid] not in out: out.append(titles[pid])
        if len(out) >= k: break
    return out
for split in ("dev", "test"):
    stats = collections.Counter()
    for line in open(Path(__file__).resolve().parent / 'qa_sets' / 'law_natural.jsonl', encoding='utf-8'):
        item = json.loads(line)
        if item["split"] != split or item["names_law"]: continue
        an = analyze_question(item["q"], QueryCompiler(kb.analyzer, kb.aliases()), wording=kb.wording(), titles=kb.titles())
        ans = A.QuestionAnswerer(s, kb.analyzer)
        reader = s.reader()
        an = repair_unknown(an, lambda t: s.doc_frequency("content", t), lambda p: (w.decode() if isinstance(w, bytes) else w for w in reader.expand_prefix("content", p)))
        doc = [h["meta"]["title"] for h in ans._top_documents(an, 10)]
        pas = top_docs(an, 10)
        g = item["doc"]
        stats["n"] += 1
        stats["doc10"] += g in doc; stats["pas10"] += g in pas; stats["union"] += g in set(doc) | set(pas)
        stats["doc1"] += bool(doc) and doc[0] == g; stats["pas1"] += bool(pas) and pas[0] == g
        stats["pas5"] += g in pas[:5]
    print(split, dict(stats))
