#!/bin/sh
# Q&A measurements: CMRC 2018 trial (ours vs the plain baseline, same run) and warm ask latency.
# Usage: bench/qa_eval.sh [path/to/cmrc2018_trial.json]
set -e
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/cmrc2018_trial.json}"
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3
echo "== policykb eval $DATA --baseline"
"$PY" -c "from webapp.cli import main; main()" eval "$DATA" --baseline
echo
echo "== ask latency on the sample corpus"
"$PY" bench/qa_latency.py
