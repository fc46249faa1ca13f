"""Hostile or mistaken input must end as a Chinese "文件：字段：原因", never an internal error.

Regressions of issue 11 (input side): impossible unquoted dates in every kind of corpus file, in
uploads, in imports and in a side file changed while the site runs; YAML alias bombs and type
tags; caps on list fields; text conversion under the import worker's time and memory limits
(uploads and batches); UTF-16 and Big5 text; the bounded "在结果中搜索" parameter.
"""
from __future__ import annotations

import io
import json
import os
import sys

import pytest
from click.testing import CliRunner

from indexer import CorpusError, KnowledgeBase
from indexer.corpus import Corpus
from indexer.office.importers import ImportLimits, ImportRefused, convert_bytes
from webapp import create_app
from webapp.cli import cli
from webapp.office import get_office

from admin_helpers import form_fields, login, token
from conftest import write_doc

BAD_DATES = ["2005-02-30", "2026-13-45", "2005-01-01 25:61:00"]
PASSWORD = "correct horse 9"
# Traditional Chinese as a Big5 file from Taiwan or Hong Kong would hold it.
TRADITIONAL = ("關於開展督導工作的通知\n各級黨組織要認真學習，督導組應當每週報告一次工作，"
               "學習培訓時間一般不少於四十學時。群眾滿意度測評不到三分之二的單位，要進行補課。\n")


def bomb(depth: int = 7) -> str:
    """Return YAML lines whose anchors nest *depth* levels deep, nine aliases each (9**depth values)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, depth + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\ntags: *a{depth}\n"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def good_corpus(root):
    write_doc(root, "documents/a.md", {"id": "rule-a", "title": "关于学习培训的规定", "level": "group",
                                       "doc_type": "规定", "issuer": "集团党委", "date": "2005-03-01"},
              "学习培训的时间一般不少于40学时。\n")
    (root / "aliases.yml").write_text("保先活动: [先进性教育活动]\n", encoding="utf-8")
    return root


def write_raw(path, front: str, body: str = "督导组要深入基层了解情况。\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


# -- an impossible date, per kind of file ------------------------------------------------------

@pytest.mark.parametrize("date", BAD_DATES)
def test_bad_date_in_a_document_is_named_and_the_rest_is_indexed(tmp_path, date):
    root = good_corpus(tmp_path / "corpus")
    write_raw(root / "documents/bad.md", f"id: bad\ntitle: 坏日期的通知\nlevel: group\ndate: {date}\n")
    write_raw(root / "documents/timed.md", "id: timed\ntitle: 带时间的通知\nlevel: group\ndate: 2005-01-18 09:30:00\n")
    opts = ["--corpus", str(root), "--index", str(tmp_path / "index")]

    checked = run("check", *opts)
    assert checked.exit_code == 1, checked.output
    assert f"documents/bad.md：date：日期“{date}”" in checked.output

    indexed = run("index", *opts)
    assert indexed.exit_code == 0, indexed.output
    assert "documents/bad.md：date：" in indexed.output
    kb = KnowledgeBase(root, tmp_path / "index")
    assert kb.search("40学时").hits[0].id == "rule-a"
    assert kb.get_document("timed").date == "2005-01-18"  # a time after the date is still read


@pytest.mark.parametrize("date", BAD_DATES)
def test_bad_date_in_folder_file_names_it_and_other_folders_still_load(tmp_path, date):
    root = good_corpus(tmp_path / "corpus")
    (root / "laws").mkdir()
    (root / "laws" / "_folder.yml").write_text(f"level: central\ndate: {date}\n", encoding="utf-8")
    (root / "laws" / "某某法.md").write_text("# 某某法\n\n第一条 为了规范督导工作，制定本法。\n", encoding="utf-8")

    checked = run("check", "--corpus", str(root), "--index", str(tmp_path / "index"))
    assert checked.exit_code == 1, checked.output
    assert f"laws/某某法.md：date：日期“{date}”" in checked.output
    docs, _ = Corpus(root).load()
    assert [d.id for d in docs] == ["rule-a"]


@pytest.mark.parametrize("front, words", [
    ("summary: !!float 不是数字\n", "头信息（YAML）第 5 行格式错误：含有不允许的类型标记"),
    ("date: !!timestamp 2005-02-30\n", "头信息（YAML）第 5 行格式错误：含有不允许的类型标记"),
    ("1: 数字作字段名\n~: 空字段名\n", "1, None：未知字段，已忽略"),
])
def test_other_values_pyyaml_fails_on_are_named_too(tmp_path, front, words):
    write_raw(tmp_path / "a.md", "id: a\ntitle: 通知\nlevel: group\n" + front)
    _docs, problems = Corpus(tmp_path).load()
    assert words in " ".join(map(str, problems))


def test_unreadable_folder_file_is_named_in_the_problem_of_its_documents(tmp_path):
    root = good_corpus(tmp_path / "corpus")
    (root / "laws").mkdir()
    (root / "laws" / "_folder.yml").write_text("level: central\nissuer: [未闭合\n", encoding="utf-8")
    (root / "laws" / "某某法.md").write_text("# 某某法\n\n第一条 制定本法。\n", encoding="utf-8")
    docs, problems = Corpus(root).load()
    assert [d.id for d in docs] == ["rule-a"]
    assert [str(p) for p in problems if p.severity == "error"] == [
        "[错误] laws/某某法.md：所在目录的 laws/_folder.yml：YAML 第 3 行格式错误：方括号列表的写法有误，应为 [甲, 乙]。本文件未编入。"]


SIDE_FILES_WITH_DATES = {  # file → (text, what the knowledge base then reads from it)
    "aliases.yml": ("保先活动: [先进性教育活动]\n成立日: 2005-02-30\n",
                    lambda kb: kb.aliases()["成立日"], ("2005-02-30",)),
    "glossary.yml": ("成立日:\n  definition: 2026-13-45\n", lambda kb: kb.glossary()["成立日"]["definition"],
                     "2026-13-45"),
    "wording.yml": ("- everyday: [老板]\n  official: [用人单位]\n  note: 2005-01-01 25:61:00\n",
                    lambda kb: kb.wording()["老板"], ("用人单位",)),
    "reading_lists.yml": ("- id: start\n  title: 入门\n  description: 2005-02-30\n  items: [rule-a]\n",
                          lambda kb: kb.reading_lists()[0]["description"], "2005-02-30"),
}


@pytest.mark.parametrize("name", sorted(SIDE_FILES_WITH_DATES))
def test_dates_in_side_files_are_text_and_nothing_breaks(tmp_path, name):
    root = good_corpus(tmp_path / "corpus")
    text, read, expected = SIDE_FILES_WITH_DATES[name]
    (root / name).write_text(text, encoding="utf-8")
    opts = ["--corpus", str(root), "--index", str(tmp_path / "index")]
    checked = run("check", *opts)
    assert checked.exit_code == 0, checked.output
    indexed = run("index", *opts)
    assert indexed.exit_code == 0 and "错误" not in indexed.output, indexed.output
    kb = KnowledgeBase(root, tmp_path / "index")
    assert kb.search("40学时").hits[0].id == "rule-a"
    assert read(kb) == expected


@pytest.mark.parametrize("name, text", [
    ("aliases.yml", "保先活动: [先进性教育活动\n"),
    ("glossary.yml", "先进性: {definition: 保持先进性\n"),
    ("wording.yml", "- everyday: [老板\n"),
    ("reading_lists.yml", "- id: start\n  title: 入门\n  items: 3\n"),
])
def test_a_broken_side_file_is_named_and_indexing_goes_on(tmp_path, name, text):
    root = good_corpus(tmp_path / "corpus")
    (root / name).write_text(text, encoding="utf-8")
    indexed = run("index", "--corpus", str(root), "--index", str(tmp_path / "index"))
    assert indexed.exit_code == 0, indexed.output
    assert f"{name}：" in indexed.output and "暂不使用" in indexed.output
    assert KnowledgeBase(root, tmp_path / "index").search("40学时").hits[0].id == "rule-a"


def test_check_names_every_broken_side_file_not_only_the_first(tmp_path):
    root = good_corpus(tmp_path / "corpus")
    for name in ("aliases.yml", "glossary.yml", "reading_lists.yml", "wording.yml"):
        (root / name).write_text("甲: [未闭合\n", encoding="utf-8")
    checked = run("check", "--corpus", str(root), "--index", str(tmp_path / "index"))
    assert checked.exit_code == 1
    for name in ("aliases.yml", "glossary.yml", "reading_lists.yml", "wording.yml"):
        assert f"{name}：YAML 第 2 行格式错误" in checked.output, checked.output


@pytest.fixture
def running_site(tmp_path):
    root = good_corpus(tmp_path / "corpus")
    write_doc(root, "documents/b.md", {"id": "rule-b", "title": "关于先进性教育活动的通知", "level": "group",
                                       "doc_type": "通知", "issuer": "集团党委", "date": "2005-04-01"},
              "先进性教育活动分三个阶段进行。\n")
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")})
    client = app.test_client()
    assert "rule-b" in client.get("/api/search?q=保先活动").get_data(as_text=True)
    return root, client


def touch_later(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.mark.parametrize("line", ["坏日期: 2005-02-30\n", "坏写法: [未闭合\n"])
def test_site_keeps_serving_when_aliases_turn_bad_while_it_runs(running_site, line):
    root, client = running_site
    with open(root / "aliases.yml", "a", encoding="utf-8") as handle:
        handle.write(line)
    touch_later(root / "aliases.yml")
    for url in ("/", "/search?q=学时", "/api/search?q=学时", "/documents/rule-a", "/glossary", "/api/ask?q=学习培训多少学时"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    # the alias table read before the change is still in use
    assert "rule-b" in client.get("/api/search?q=保先活动").get_data(as_text=True)


# -- uploads and imports -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    base = tmp_path_factory.mktemp("office")
    root = good_corpus(base / "corpus")
    kb = KnowledgeBase(root, base / "index", instance_dir=base / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    with app.app_context():
        get_office().accounts.add("alice", "editor", PASSWORD)
    client = app.test_client()
    assert login(client, "alice", PASSWORD).status_code == 302
    return root, client


def upload(client, name: str, data: bytes, **fields):
    return client.post("/admin/upload", data={"csrf_token": token(client, "/admin/upload"), "level": "group",
                                              "file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("date", BAD_DATES)
def test_uploaded_markdown_with_a_bad_date_is_reviewed_and_the_save_names_the_date(office, date):
    root, client = office
    data = f"---\ntitle: 坏日期的通知\ndate: {date}\n---\n各支部要认真整改。\n".encode()
    response = upload(client, "坏日期.md", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    fields = form_fields(html, "/admin/new")
    assert fields["date"] == date
    fields["doc_type"], fields["issuer"] = "通知", "集团党委"
    saved = client.post("/admin/new", data=fields)
    assert saved.status_code == 422
    assert f"日期“{date}”" in saved.get_data(as_text=True)
    assert not list(root.rglob("*坏日期*")) and len(list(root.rglob("*.md"))) == 1


def test_import_json_lists_the_bad_date_and_imports_the_rest(tiny_corpus, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-好.md").write_text("---\ntitle: 关于整改的通知\ndate: 2005-08-01\n---\n各支部要认真整改。\n", encoding="utf-8")
    (inbox / "2-坏.md").write_text("---\ntitle: 坏日期的通知\ndate: 2005-02-30\n---\n坏日期正文。\n", encoding="utf-8")
    (inbox / "3-好.txt").write_text("关于补课的通知\n群众不满意的要补课。\n", encoding="utf-8")
    result = run("import", str(inbox), "--level", "集团", "--json", "--corpus", str(tiny_corpus),
                 "--index", str(tmp_path / "idx"), "--instance", str(tmp_path / "var"))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert len(data["imported"]) == 2
    assert data["failed"] == [{"path": str(inbox / "2-坏.md"), "reason": "日期：日期“2005-02-30”不存在。"}]
    kb = KnowledgeBase(tiny_corpus, tmp_path / "idx")
    assert kb.search("认真整改").total == 1 and kb.search("补课").total >= 1


# -- alias bombs and list caps -----------------------------------------------------------------

def test_front_matter_with_anchors_is_refused_in_the_corpus(tmp_path):
    write_raw(tmp_path / "bomb.md", "id: bomb\ntitle: 炸弹\nlevel: group\n" + bomb())
    docs, problems = Corpus(tmp_path).load()
    assert docs == []
    assert "bomb.md：头信息（YAML）第 5 行格式错误：用了引用写法" in str(problems[0])


@pytest.mark.parametrize("name", ["aliases.yml", "glossary.yml", "wording.yml", "reading_lists.yml"])
def test_side_file_with_anchors_is_refused(tmp_path, name):
    (tmp_path / name).write_text(bomb(), encoding="utf-8")
    corpus = Corpus(tmp_path)
    loader = {"aliases.yml": corpus.aliases, "glossary.yml": corpus.glossary, "wording.yml": corpus.wording,
              "reading_lists.yml": corpus.reading_lists}[name]
    with pytest.raises(CorpusError) as err:
        loader()
    assert f"{name}：YAML 第 1 行格式错误：用了引用写法" in str(err.value)


def test_alias_bomb_upload_and_import_are_refused_and_write_nothing(office, tmp_path):
    root, client = office
    data = ("---\ntitle: 炸弹\n" + bomb() + "---\n正文。\n").encode()
    assert len(data) < 500
    response = upload(client, "炸弹.md", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "用了引用写法" in html and len(html) < 50_000

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "炸弹.md").write_bytes(data)
    result = run("import", str(inbox), "--level", "集团", "--json", "--corpus", str(root),
                 "--index", str(tmp_path / "idx"), "--instance", str(tmp_path / "var"))
    report = json.loads(result.output)
    assert report["imported"] == [] and "用了引用写法" in report["failed"][0]["reason"]
    assert len(list(root.rglob("*.md"))) == 1


@pytest.mark.parametrize("front, words", [
    ("tags: [" + ", ".join(f"标签{n}" for n in range(51)) + "]\n", "tags：有 51 项，超过上限 50 项"),
    ("tags: [" + "长" * 60 + "]\n", "tags：“长长长长长长长长长长长长长长长长长长长长……”有 60 个字"),
    ("cites: [" + ", ".join(f"doc-{n}" for n in range(201)) + "]\n", "cites：有 201 项，超过上限 200 项"),
    ("tags: [[甲, 乙], 丙]\n", "tags：列表中的每一项应为一个词语"),
])
def test_list_fields_are_capped(tmp_path, front, words):
    write_raw(tmp_path / "a.md", "id: a\ntitle: 通知\nlevel: group\n" + front)
    docs, problems = Corpus(tmp_path).load()
    assert docs == [] and words in str(problems[0])


def test_very_deep_nesting_is_refused(tmp_path):
    write_raw(tmp_path / "a.md", "id: a\ntitle: 通知\nlevel: group\ntags: " + "[" * 50 + "]" * 50 + "\n")
    docs, problems = Corpus(tmp_path).load()
    assert docs == [] and "嵌套超过 20 层" in str(problems[0])


@pytest.mark.skipif(sys.platform == "win32", reason="the memory cap uses RLIMIT_AS (not on Windows)")
@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_text_conversion_runs_under_the_worker_memory_cap(name):
    # A 1 MB cap is below what the worker already uses, so reading 2 MB fails there; text
    # converted in the calling process would not notice the cap at all.
    data = ("关于整改的通知\n" + "各支部要认真整改。\n" * 80_000).encode()
    with pytest.raises(ImportRefused) as err:
        convert_bytes(data, name, ImportLimits(memory_mb=1))
    assert err.value.reason == "memory" and "超出" in str(err.value)


@pytest.mark.skipif(sys.platform == "win32", reason="the memory cap uses RLIMIT_AS (not on Windows)")
def test_bulk_import_goes_on_after_a_file_over_the_memory_cap(tiny_corpus, tmp_path):
    from indexer.office.bulk_import import import_paths
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "1-大.txt").write_text("关于整改的通知\n" + "各支部要认真整改。\n" * 80_000, encoding="utf-8")
    (inbox / "2-小.txt").write_text("关于补课的通知\n群众不满意的要补课。\n", encoding="utf-8")
    kb = KnowledgeBase(tiny_corpus, tmp_path / "idx", instance_dir=tmp_path / "var")
    summary = import_paths(kb, [str(inbox)], level="集团", limits=ImportLimits(memory_mb=1))
    assert [f["path"] for f in summary.failed] == [str(inbox / "1-大.txt")]
    assert "超出" in summary.failed[0]["reason"]
    assert len(summary.imported) == 1 and kb.search("群众不满意").total == 1


def test_bulk_import_of_text_is_under_the_worker_time_limit(tiny_corpus, tmp_path):
    from indexer.office.bulk_import import import_paths
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in (1, 2):
        (inbox / f"{n}.md").write_text(f"# 第{n}号通知\n\n各支部要认真整改。\n", encoding="utf-8")
    kb = KnowledgeBase(tiny_corpus, tmp_path / "idx", instance_dir=tmp_path / "var")
    # no interpreter starts and answers within 10 ms: each file is given up, none hangs the batch
    summary = import_paths(kb, [str(inbox)], level="集团", limits=ImportLimits(timeout=0.01))
    assert summary.imported == [] and len(summary.failed) == 2
    assert all("超过 0.01 秒" in f["reason"] for f in summary.failed)


# -- encodings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_with_a_bom_imports(codec):
    text = "关于整改的通知\n各支部要认真整改。\n示例市委\n2005年8月1日\n"
    data = text.encode(codec)
    if codec != "utf-16":
        data = ("\ufeff" + text).encode(codec)
    draft = convert_bytes(data, "通知.txt")
    assert draft.meta["title"] == "关于整改的通知" and "各支部要认真整改。" in draft.body
    assert draft.meta["date"] == "2005-08-01"


def test_big5_text_is_not_guessed_but_asks_for_the_encoding():
    with pytest.raises(ImportRefused) as err:
        convert_bytes(TRADITIONAL.encode("big5"), "繁體.txt")
    message = str(err.value)
    assert err.value.reason == "encoding"
    assert message.startswith("繁體.txt：无法确定文件编码") and "--encoding big5" in message and "文件编码" in message

    draft = convert_bytes(TRADITIONAL.encode("big5"), "繁體.txt", encoding="big5")
    assert draft.meta["title"] == "關於開展督導工作的通知" and "每週報告一次工作" in draft.body
    # GBK text (a rare character in a name included) is still recognised without being asked
    draft = convert_bytes("关于整改的通知\n各支部要认真整改，镕基同志讲话。\n".encode("gbk"), "a.txt")
    assert draft.meta["title"] == "关于整改的通知"


def test_wrong_encoding_given_is_refused_not_garbled():
    with pytest.raises(ImportRefused) as err:
        convert_bytes("关于整改的通知\n".encode("gb18030"), "a.txt", encoding="utf-8")
    assert "按 UTF-8 编码读取时" in str(err.value)


def test_import_cli_takes_an_encoding(tiny_corpus, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "繁體.txt").write_bytes(TRADITIONAL.encode("big5"))
    opts = ["--level", "集团", "--json", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx"),
            "--instance", str(tmp_path / "var")]
    first = json.loads(run("import", str(inbox), *opts).output)
    assert first["imported"] == [] and "--encoding big5" in first["failed"][0]["reason"]
    second = run("import", str(inbox), "--encoding", "big5", *opts)
    assert second.exit_code == 0, second.output
    doc = KnowledgeBase(tiny_corpus, tmp_path / "idx").get_document(json.loads(second.output)["imported"][0])
    assert doc.title == "關於開展督導工作的通知"
    unknown = run("import", str(inbox), "--encoding", "klingon", *opts)
    assert unknown.exit_code != 0 and "--encoding：不支持的编码“klingon”" in unknown.output


def test_upload_form_takes_an_encoding(office):
    _root, client = office
    refused = upload(client, "繁體.txt", TRADITIONAL.encode("big5"))
    assert refused.status_code == 422 and "无法确定文件编码" in refused.get_data(as_text=True)
    assert 'name="encoding"' in refused.get_data(as_text=True)
    response = upload(client, "繁體.txt", TRADITIONAL.encode("big5"), encoding="big5")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert form_fields(html, "/admin/new")["title"] == "關於開展督導工作的通知"


# -- search within results -----------------------------------------------------------------------

def test_search_within_results_is_bounded(running_site):
    _root, client = running_site
    response = client.get("/search?q=" + "学习" * 60 + "&within=" + "培训" * 50)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "在结果中搜索（参数 within）" in html and "超过 200 字的上限" in html
    ok = client.get("/search?q=学习&within=培训")
    assert ok.status_code == 303 and ok.headers["Location"].endswith("/search?q=%E5%AD%A6%E4%B9%A0+%E5%9F%B9%E8%AE%AD")
