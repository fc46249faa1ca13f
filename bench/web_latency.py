"""Measure what the site adds to a search: python bench/web_latency.py [corpus] [index]. Ratios against the core, same run."""
import time, statistics
from urllib.parse import quote
from indexer import KnowledgeBase
from webapp import create_app
import sys, tempfile
kb = KnowledgeBase(sys.argv[1] if len(sys.argv) > 1 else "corpus", sys.argv[2] if len(sys.argv) > 2 else "var/index"); kb.index()
app = create_app({"KB": kb, "INSTANCE_PATH": tempfile.mkdtemp()}); c = app.test_client()
qs = ["保先活动", "第32条", '"群众满意度测评"', "示例集团党发[2005]12号", "督导组 纪律", "40学时", "补课", "民主评议党员"]
for q in qs: kb.search(q); c.get("/search?q="+quote(q))
def t(f, n=5):
    s=[]
    for _ in range(n):
        for q in qs:
            a=time.perf_counter(); f(q); s.append((time.perf_counter()-a)*1000)
    return statistics.median(s)
core = t(lambda q: kb.search(q))
page = t(lambda q: c.get("/search?q="+quote(q)))
faceted = t(lambda q: c.get("/search?q="+quote(q)+"&level=provincial"))
api = t(lambda q: c.get("/api/search?q="+quote(q)))
doc = t(lambda q: c.get("/documents/sheng-2005-dudao-banfa"))
sug = t(lambda q: c.get("/api/suggest?q="+quote(q[:2])))
print(f"median ms: core {core:.1f}, page {page:.1f} ({page/core:.2f}x), page+level filter {faceted:.1f}, api {api:.1f}, document {doc:.1f}, suggest {sug:.2f}")
