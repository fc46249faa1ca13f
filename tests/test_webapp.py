"""The web site through Flask's test client: every page and API endpoint, bad input, safety."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from indexer import KnowledgeBase
from indexer.cli import cli
from webapp import create_app

from conftest import SAMPLE_CORPUS, write_doc

# The queries the issue names: alias, article number, quoted phrase, 文号 in another bracket style.
CLI_QUERIES = ["保先活动", "第32条", '"群众满意度测评"', "示例集团党发[2005]12号"]


@pytest.fixture(scope="module")
def app(sample_kb, tmp_path_factory):
    return create_app({"KB": sample_kb, "TESTING": True,
                       "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})


@pytest.fixture
def client(app):
    return app.test_client()


def hit_ids(html: str) -> list[str]:
    return re.findall(r'class="hit" data-doc-id="([^"]+)"', html)


def cli_ids(kb: KnowledgeBase, query: str, *options: str) -> list[str]:
    result = CliRunner().invoke(cli, ["search", "--corpus", str(SAMPLE_CORPUS), "--index", str(kb.index_dir),
                                      query, "--json", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [hit["id"] for hit in json.loads(result.output)["hits"]]


# -- pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, text", [
    ("/", "督导工作政策知识库"),
    ("/search?q=" + quote("督导组"), "共 <strong>"),
    ("/search", "共 <strong>48</strong> 篇"),
    ("/documents/sheng-2005-dudao-banfa", "示例省教领〔2005〕4号"),
    ("/browse", "按文种"),
    ("/cases", "典型案例"),
    ("/tags", "主题标签"),
    ("/glossary", "术语表"),
    ("/reading-lists", "督导组新成员入门"),
    ("/reading-lists/dudao-rumen", "为什么读"),
])
def test_every_page_renders_in_chinese(client, path, text):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert text in html
    assert '<html lang="zh-CN">' in html


@pytest.mark.parametrize("query", CLI_QUERIES)
def test_site_and_api_return_exactly_what_the_cli_returns(client, sample_kb, query):
    expected = cli_ids(sample_kb, query)
    assert expected, f"the CLI finds nothing for {query}"
    html = client.get("/search?q=" + quote(query)).get_data(as_text=True)
    assert hit_ids(html) == expected
    api = client.get("/api/search?q=" + quote(query)).get_json()
    assert [h["id"] for h in api["hits"]] == expected


def test_article_number_snippet_links_to_the_article(client):
    html = client.get("/search?q=" + quote("第32条")).get_data(as_text=True)
    assert 'href="/documents/sheng-2005-dudao-banfa#art32"' in html
    assert "<mark>第三十二条</mark>" in html


def test_doc_no_in_square_brackets_puts_that_document_first(client):
    html = client.get("/search?q=" + quote("示例集团党发[2005]12号")).get_data(as_text=True)
    assert hit_ids(html)[0] == "jt-2005-shishi-fangan"
    assert "⚠ 已被替代" in html  # the 12号 plan was replaced: the result says so


def test_facets_combine_and_stay_in_the_url(client):
    html = client.get("/search?q=" + quote("督导") + "&level=provincial").get_data(as_text=True)
    ids = hit_ids(html)
    assert ids and all(i.startswith("sheng-") for i in ids)
    # The level facet still offers the other levels (alternatives within one facet).
    assert "level=provincial&amp;level=central" in html or "level=central&amp;level=provincial" in html
    both = client.get("/search?q=" + quote("督导") + "&level=provincial&level=central").get_data(as_text=True)
    assert set(hit_ids(both)) > set(ids)
    narrowed = client.get("/search?q=" + quote("督导") + "&level=provincial&tag=" + quote("工作纪律"))
    narrowed_ids = hit_ids(narrowed.get_data(as_text=True))
    assert narrowed_ids and set(narrowed_ids) <= set(ids) and len(narrowed_ids) < len(ids)
    assert "工作纪律" in narrowed.get_data(as_text=True).split('class="selected-filters"')[1][:2000]


def test_sort_and_paging_links_keep_the_query_and_filters(client):
    html = client.get("/search?q=" + quote("督导") + "&level=group").get_data(as_text=True)
    q = quote("督导")
    assert f'href="/search?q={q}&amp;level=group&amp;sort=date"' in html
    page2 = client.get("/search?level=case&page=2").get_data(as_text=True)
    assert "第 2/2 页" in page2 and len(hit_ids(page2)) == 8
    assert 'rel="prev" href="/search?level=case"' in page2
    dated = client.get(f"/search?q={q}&sort=date").get_data(as_text=True)
    dates = re.findall(r'<time>([\d-]+)</time>', dated)
    assert dates == sorted(dates, reverse=True)


def test_search_within_results_adds_words_and_keeps_filters(client):
    response = client.get("/search?q=" + quote("督导") + "&level=provincial&within=" + quote("纪律"))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "level=provincial" in location and "q=" + quote("督导 纪律").replace("%20", "+") in location
    html = client.get(location).get_data(as_text=True)
    assert hit_ids(html)[0] == "sheng-2005-dudao-banfa"


def test_partial_match_notice_and_empty_result_hints(client):
    partial = client.get("/search?q=" + quote("补课 量子力学")).get_data(as_text=True)
    assert "只包含部分检索词" in partial
    empty = client.get("/search?q=" + quote("量子力学") + "&level=central").get_data(as_text=True)
    assert "没有找到包含“量子力学”的文档" in empty
    assert "去掉全部筛选条件" in empty


def test_empty_result_suggests_the_alias(tmp_path):
    root = tmp_path / "corpus"
    write_doc(root, "a.md", {"id": "a", "title": "讲话", "level": "group"}, "先进性教育活动要取得实效。\n")
    (root / "aliases.yml").write_text("保先活动: [先进性教育活动]\n", encoding="utf-8")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    client = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "inst")}).test_client()
    html = client.get("/search?q=" + quote("先进性教育活动 量子")).get_data(as_text=True)
    assert "只包含部分检索词" in html  # the fallback, not an empty page
    empty = client.get("/search?q=" + quote("先进性教育活动") + "&type=" + quote("通知")).get_data(as_text=True)
    assert "改用简称“保先活动”" in empty


def test_document_page_has_anchors_contents_citations_and_relations(client):
    html = client.get("/documents/sheng-2005-dudao-banfa").get_data(as_text=True)
    anchors = re.findall(r'class="block (?:passage|heading)[^"]*" id="([^"]+)"', html)
    assert "art32" in anchors and len(anchors) == len(set(anchors))
    assert 'data-cite="《示例省保持共产党员先进性教育活动督导工作办法》（示例省教领〔2005〕4号）第三十二条"' in html
    assert '<nav class="toc"' in html and 'href="#h' in html
    assert "引用本文件的典型案例" in html and "al-2005-buke-manyidu" in html
    assert "相关文档" in html
    case = client.get("/documents/al-2005-buke-manyidu").get_data(as_text=True)
    assert "本案例依据的规定" in case and 'href="/documents/sheng-2005-dudao-banfa"' in case


def test_replaced_document_warns_and_links_to_its_replacement(client):
    html = client.get("/documents/jt-2005-shishi-fangan").get_data(as_text=True)
    assert "本文件已被替代" in html
    assert 'href="/documents/jt-2005-shishi-fangan-xiuding"' in html
    new = client.get("/documents/jt-2005-shishi-fangan-xiuding").get_data(as_text=True)
    assert "本文件替代了" in new


def test_glossary_links_every_term_to_an_existing_passage(client):
    html = client.get("/glossary").get_data(as_text=True)
    links = re.findall(r'出处：<a href="/documents/([^"#]+)#([^"]+)"', html)
    assert len(links) >= 30
    pages = {}
    for doc_id, anchor in links:
        if doc_id not in pages:
            pages[doc_id] = client.get(f"/documents/{doc_id}").get_data(as_text=True)
        assert f'id="{anchor}"' in pages[doc_id], (doc_id, anchor)


def test_reading_list_is_ordered_with_reasons(client, sample_kb):
    entry = sample_kb.reading_lists()[0]
    html = client.get(f"/reading-lists/{entry['id']}").get_data(as_text=True)
    positions = [html.index(f'href="/documents/{item["doc"]}"') for item in entry["items"]]
    assert positions == sorted(positions)
    assert entry["items"][0]["reason"] in html


def test_browse_counts_link_to_filtered_searches(client):
    html = client.get("/browse").get_data(as_text=True)
    assert re.search(r'href="/search\?level=case">.*?典型案例.*?<span class="count">18 篇', html, re.S)
    cases = client.get("/cases").get_data(as_text=True)
    assert cases.count('class="case-card"') == 18


# -- errors and bad input ------------------------------------------------------------------------
@pytest.mark.parametrize("query, message", [
    ("page=-1", "参数 page 应在 1 到 1000 之间"),
    ("page=abc", "参数 page 应为整数"),
    ("level=unknown", "未知的级别“unknown”"),
    ("status=whatever", "未知的状态"),
    ("sort=random", "排序方式“random”无效"),
    ("year=abc", "年份“abc”无效"),
    ("q=" + "督" * 10_000, "检索词过长"),
])
def test_bad_parameters_get_a_400_page_and_json(client, query, message):
    page = client.get("/search?" + query)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert message in html and "Traceback" not in html
    api = client.get("/api/search?" + query)
    assert api.status_code == 400 and message in api.get_json()["error"]


def test_bad_api_parameters(client):
    assert client.get("/api/search?per_page=0").status_code == 400
    assert client.get("/api/search?per_page=1000").status_code == 400
    assert client.get("/api/suggest?limit=x").get_json() == {"error": "参数 limit 应为整数。"}
    assert client.get("/api/suggest?q=" + "x" * 300).status_code == 400


def test_missing_document_is_a_404_page_that_offers_search(client):
    response = client.get("/documents/no-such-doc")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "找不到文档“no-such-doc”" in html and 'role="search"' in html and 'name="q"' in html
    assert client.get("/no/such/page").status_code == 404
    assert "找不到这个页面" in client.get("/no/such/page").get_data(as_text=True)
    assert client.get("/reading-lists/nope").status_code == 404
    api = client.get("/api/documents/no-such-doc")
    assert api.status_code == 404 and api.get_json() == {"error": "找不到文档“no-such-doc”。"}
    assert client.get("/api/nothing").get_json() == {"error": "找不到这个页面。"}


def test_unexpected_errors_are_a_chinese_sentence_without_traceback(app, sample_kb, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(sample_kb, "search", broken)
    client = app.test_client()
    for path in ("/search?q=x", "/api/search?q=x"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "服务器内部错误" in body and "secret internals" not in body and "Traceback" not in body


def test_post_is_refused_politely(client):
    response = client.post("/search")
    assert response.status_code == 405 and "不支持这种请求方式" in response.get_data(as_text=True)


# -- safety -------------------------------------------------------------------------------------
@pytest.fixture
def hostile_client(tmp_path):
    root = tmp_path / "corpus"
    write_doc(root, "x.md", {"id": "xss", "title": "<script>alert('t')</script>恶意标题", "level": "group",
                             "doc_no": "<b>号</b>"},
              """
              正文第一段<script>alert('body')</script>督导。
              <img src=x onerror="alert('img')">图片督导
              [点我](javascript:alert('link')) 督导
              <iframe src="http://evil.example/"></iframe><a href="data:text/html,x" onclick="alert(1)">数据</a>
              <svg onload="alert('svg')"></svg><style>body{display:none}</style>
              """)
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    return create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "inst")}).test_client()


def test_html_in_a_document_is_neutralised(hostile_client):
    api_html = "".join(b["html"] for b in hostile_client.get("/api/documents/xss").get_json()["blocks"])
    for path in ("/documents/xss", "/search?q=" + quote("督导"), None):
        body = hostile_client.get(path).get_data(as_text=True) if path else api_html
        lowered = body.lower()
        for bad in ("<script>alert", "onerror", "javascript:", "<iframe", "onclick", "onload", "data:text",
                    "<style>body"):
            assert bad not in lowered, (path, bad)
    html = hostile_client.get("/documents/xss").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;恶意标题" in html  # the title is shown, as text
    assert "图片督导" in html and "数据" in html


def test_search_text_is_escaped(client):
    html = client.get("/search?q=" + quote('<script>alert(1)</script>')).get_data(as_text=True)
    assert "<script>alert(1)" not in html


def test_pages_use_only_local_scripts_and_a_strict_policy(client):
    for path in ("/", "/search?q=" + quote("督导"), "/documents/sheng-2005-dudao-banfa", "/glossary"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script([^>]*)>", html)
        assert scripts and all('src="/static/' in attrs for attrs in scripts)  # no inline scripts
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # every asset is local
        assert " style=" not in html and " on" + "click=" not in html


def test_static_assets_are_served(client):
    for name in ("style.css", "app.js", "favicon.svg"):
        with client.get(f"/static/{name}") as response:
            assert response.status_code == 200
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    assert "Noto Sans CJK SC" in css and "Microsoft YaHei" in css and "@media print" in css
    assert "url(" not in css  # no web fonts or remote images


def test_session_cookie_settings_and_secret_key(tmp_path, monkeypatch, sample_kb):
    monkeypatch.delenv("POLICYKB_SECRET_KEY", raising=False)
    first = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path / "inst")})
    second = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path / "inst")})
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SESSION_COOKIE_SAMESITE"] == "Lax" and first.config["SESSION_COOKIE_HTTPONLY"]
    assert first.config["MAX_CONTENT_LENGTH"]
    monkeypatch.setenv("POLICYKB_SECRET_KEY", "from-the-environment")
    assert create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path / "i2")}).secret_key == "from-the-environment"
    assert not (tmp_path / "i2" / "secret_key").exists()


def test_missing_index_is_built_from_the_corpus_on_the_first_request(tmp_path):
    app = create_app({"CORPUS_DIR": str(SAMPLE_CORPUS), "INDEX_DIR": str(tmp_path / "none"),
                      "INSTANCE_PATH": str(tmp_path / "inst")})
    response = app.test_client().get("/search?q=" + quote("第32条"))
    assert response.status_code == 200 and "sheng-2005-dudao-banfa" in response.get_data(as_text=True)


def test_an_index_that_cannot_be_built_is_a_503_sentence(tmp_path):
    (tmp_path / "blocked").write_text("not a directory", encoding="utf-8")
    app = create_app({"CORPUS_DIR": str(SAMPLE_CORPUS), "INDEX_DIR": str(tmp_path / "blocked" / "index"),
                      "INSTANCE_PATH": str(tmp_path / "inst")})
    response = app.test_client().get("/search?q=x")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "policykb index --rebuild" in html and "Traceback" not in html
    api = app.test_client().get("/api/search?q=x")
    assert api.status_code == 503 and "自动重建没有成功" in api.get_json()["error"]


# -- JSON API ------------------------------------------------------------------------------------
def test_api_search_has_the_fields_of_a_results_page(client):
    data = client.get("/api/search?q=" + quote("第32条") + "&per_page=3").get_json()
    assert set(data) >= {"query", "total", "page", "pages", "per_page", "notice", "facets", "hits", "took_ms"}
    hit = data["hits"][0]
    assert hit["url"] == "/documents/sheng-2005-dudao-banfa#art32" and hit["doc_no"] == "示例省教领〔2005〕4号"
    assert hit["level_label"] == "省级" and "<mark>" in hit["snippet"]


def test_api_document(client):
    data = client.get("/api/documents/sheng-2005-dudao-banfa").get_json()
    assert data["doc_no"] == "示例省教领〔2005〕4号" and data["level_label"] == "省级"
    art32 = next(b for b in data["blocks"] if b["anchor"] == "art32")
    assert art32["citation"].endswith("第三十二条") and "<p>" in art32["html"]
    assert any(c["id"] == "al-2005-buke-manyidu" for c in data["cited_by"])
    assert data["related"]


def test_api_suggest_offers_titles_terms_and_aliases(client):
    kinds = {s["kind"]: s for s in client.get("/api/suggest?q=" + quote("督导")).get_json()["suggestions"]}
    assert {"title", "term", "alias"} <= set(kinds)
    alias = client.get("/api/suggest?q=" + quote("保先")).get_json()["suggestions"]
    assert alias[0]["kind"] == "alias" and "先进性教育活动" in alias[0]["detail"]
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []


def test_api_facets_count_all_documents_or_a_search(client):
    everything = client.get("/api/facets").get_json()
    assert everything["total"] == 48
    levels = {f["value"]: f["count"] for f in everything["facets"]["level"]}
    assert levels == {"central": 8, "provincial": 6, "municipal": 5, "group": 11, "case": 18}
    some = client.get("/api/facets?q=" + quote("补课")).get_json()
    assert 0 < some["total"] < 48


def test_every_api_route_is_documented_in_the_readme():
    readme = (SAMPLE_CORPUS.parent / "README.md").read_text(encoding="utf-8")
    for route in ("/api/search", "/api/documents/<id>", "/api/suggest", "/api/facets"):
        assert f"`{route}`" in readme, route


@pytest.mark.parametrize("q", ["😀", "*", '"'])
def test_a_query_without_a_searchable_word_says_so_on_the_site_and_in_the_api(client, q):
    page = client.get("/search?q=" + quote(q))
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "没有可以检索的字词" in html
    assert 'class="hit"' not in html and "共 48 篇" not in html
    api = client.get("/api/search?q=" + quote(q))
    assert api.status_code == 400 and "没有可以检索的字词" in api.get_json()["error"]


def test_a_page_past_the_last_gives_the_400_page_and_a_chinese_api_error(client):
    page = client.get("/search?q=" + quote("督导") + "&page=999")
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "第 999 页不存在" in html and "第 999/" not in html
    api = client.get("/api/search?q=" + quote("督导") + "&page=999")
    assert api.status_code == 400 and "第 999 页不存在" in api.get_json()["error"]


def test_glossary_synonyms_are_real_synonyms_not_the_group_a_term_belongs_to(client):
    html = client.get("/glossary").get_data(as_text=True)
    terms = dict(re.findall(r"<dt>([^<]+)(?:<span class=\"aliases\">（也称：([^）]*)）</span>)?</dt>", html))
    assert "三个阶段" not in terms["分析评议"] and "三个阶段" not in terms["学习动员"]
    assert "四项制度" not in terms["督查制度"]
    assert "满意度测评" in terms["群众满意度测评"].split("、")  # a real short form still shows
    assert "五条原则" in terms["五条指导原则"].split("、")      # one name for one thing: a synonym


def test_a_reading_list_document_links_to_the_previous_and_next_in_the_list(client):
    html = client.get("/documents/sheng-2005-dudao-banfa").get_data(as_text=True)
    step = re.search(r'<nav class="reading-step" aria-label="学习路径：督导组新成员入门">.*?</nav>', html, re.S).group(0)
    assert "第 3/6 篇" in step
    assert re.search(r'rel="prev" href="/documents/zzb-2005-dudao-peixun-jianghua">← 上一篇：', step)
    assert re.search(r'rel="next" href="/documents/jt-2005-dudaozu-guicheng">下一篇：', step)
    first = client.get("/documents/zy-2004-xjxjy-yijian").get_data(as_text=True)
    assert "已是第一篇" in first and 'rel="next" href="/documents/zzb-2005-dudao-peixun-jianghua"' in first
