#!/bin/sh
# Natural-question measurements, each with the plain baseline in the same command:
# the statute set over the whole law corpus (dev and test halves), the training-speech set over
# the sample corpus, CMRC 2018 trial and CJRC dev (evaluation use only; never copied here).
# Usage: bench/qa_natural.sh [LAWS_DIR]   (default: unpack ../shared/data/lawrefbook-laws.tar.gz)
set -e
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
PK="$PY -c 'from webapp.cli import main; main()'"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LAWS="$1"
if [ -z "$LAWS" ]; then
  tar xzf ../shared/data/lawrefbook-laws.tar.gz -C "$WORK"
  LAWS="$WORK/laws"
fi
for split in dev test; do
  echo "== statutes, $split half"
  eval "$PK" eval bench/qa_sets/law_natural.jsonl --corpus "$LAWS" --index "$WORK/law-index" --split $split --baseline --show-misses 0
done
for split in dev test; do
  echo "== training speech, $split half"
  eval "$PK" eval bench/qa_sets/speech_natural.jsonl --corpus corpus --index "$WORK/sample-index" --split $split --baseline --show-misses 0
done
for data in ../shared/data/cmrc2018_trial.json ../shared/data/cjrc_dev.json; do
  [ -f "$data" ] || continue
  echo "== $data"
  eval "$PK" eval "$data" --baseline
done
