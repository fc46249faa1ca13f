"""Shared fixtures: the bundled sample corpus indexed once, and tiny corpora built per test."""
from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from indexer import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory) -> KnowledgeBase:
    """The bundled sample corpus, indexed once per test session (read-only use)."""
    kb = KnowledgeBase(SAMPLE_CORPUS, tmp_path_factory.mktemp("sample-index"))
    report = kb.index()
    assert not [p for p in report.problems if p.severity == "error"], report.problems
    return kb


def write_doc(root: Path, name: str, front: dict | None, body: str, encoding: str = "utf-8") -> Path:
    """Write one corpus document with optional YAML front matter."""
    import yaml
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = textwrap.dedent(body).lstrip("\n")
    if front is not None:
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + text
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    """A corpus of three small documents and an alias table."""
    root = tmp_path / "corpus"
    write_doc(root, "a.md", {"id": "rule-a", "title": "关于学习培训的规定", "level": "group",
                             "doc_type": "通知", "issuer": "集团党委", "doc_no": "集团党发〔2005〕7号",
                             "date": "2005-03-01"},
              """
              # 关于学习培训的规定
              ## 一、学时
              学习培训的时间一般不少于40学时。
              第三十二条 督导组应当每周报告一次工作。
              """)
    write_doc(root, "b.md", {"id": "rule-b", "title": "最高人民法院工作通报", "level": "central",
                             "doc_type": "通报", "issuer": "示例机关", "date": "2006-01-05",
                             "status": "已废止"},
              """
              最高人民法院的同志介绍了情况。
              集体学习不少于8学时，其余32学时自学。
              """)
    write_doc(root, "c.md", {"id": "case-c", "title": "补课工作典型案例", "level": "case",
                             "doc_type": "典型案例", "issuer": "示例单位", "date": "2005-09",
                             "cites": ["rule-a"], "sample": True},
              """
              群众满意度不到三分之二的，要进行补课。
              """)
    (root / "aliases.yml").write_text("保先活动: [先进性教育活动]\n培训规定: [学习培训]\n", encoding="utf-8")
    return root


@pytest.fixture
def tiny_kb(tiny_corpus, tmp_path) -> KnowledgeBase:
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index")
    kb.index()
    return kb


@pytest.fixture(scope="session")
def units_kb(tmp_path_factory):
    """Documents with the same unit and different numbers (each also holds the other's number),
    and one with measure words (3个月, 5个工作日): for search and Q&A tests of number binding."""
    tmp = tmp_path_factory.mktemp("units")
    root = tmp / "corpus"
    write_doc(root, "eight.md", {"id": "eight", "title": "关于党员集体学习的通知", "level": "group",
                                 "date": "2005-03-01"},
              "党员每月集体学习不少于8学时。\n第32期培训班的学员另行安排。\n")
    write_doc(root, "thirty-two.md", {"id": "thirty-two", "title": "关于干部集中培训的通知", "level": "group",
                                      "date": "2005-04-01"},
              "领导干部集中培训不少于32学时。\n培训于每年8月举行。\n")
    write_doc(root, "months.md", {"id": "months", "title": "关于督导报告的规定", "level": "group",
                                  "date": "2005-05-01"},
              "集中学习教育时间不少于3个月。\n每个阶段结束后5个工作日内提交阶段督导报告。\n")
    kb = KnowledgeBase(root, tmp / "index")
    kb.index()
    return kb


def copy_corpus(dst: Path) -> Path:
    shutil.copytree(SAMPLE_CORPUS, dst)
    return dst


# -- a real browser (Debian's chromium driven by Playwright; tests never download a browser) ------
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def find_chromium() -> str | None:
    candidates = ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
    return next((p for p in candidates if p and os.path.exists(p)), None)


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole session (Playwright's sync API allows one per thread)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    path = find_chromium()
    if path is None:
        pytest.skip("未安装 chromium（Debian: apt-get install chromium），跳过浏览器测试")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
