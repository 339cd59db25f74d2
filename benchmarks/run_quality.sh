#!/usr/bin/env bash
# The evaluation runs behind docs/QUALITY.md (resumable: rerun to continue). Usage:
#   bash benchmarks/run_quality.sh [LIMIT]        # default 200 sentences per set
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=${1:-200}
F=../shared/data/flores200-dev
W=../shared/data/wmt14-newstest2014-enfr
E=.venv/bin/editions
R=benchmarks/results
$E eval --src $F/flores_dev.eng_Latn --ref $F/flores_dev.fra_Latn --docid $F/flores_dev.docid \
  --to fr --limit "$LIMIT" --baseline raw --out $R/eval_flores_fr_$LIMIT.json
$E eval --src $F/flores_dev.eng_Latn --ref $F/flores_dev.vie_Latn --docid $F/flores_dev.docid \
  --to vi --limit "$LIMIT" --baseline raw --out $R/eval_flores_vi_$LIMIT.json
$E eval --src $W/newstest2014.en --ref $W/newstest2014.fr --docid $W/newstest2014.docid \
  --origlang $W/newstest2014.origlang --origlang-keep en \
  --to fr --limit "$LIMIT" --baseline raw --out $R/eval_wmt14_fr_$LIMIT.json
.venv/bin/python benchmarks/quality_report.py $R/eval_*_"$LIMIT".json
