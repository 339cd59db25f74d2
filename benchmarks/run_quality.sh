#!/usr/bin/env bash
# The evaluation runs behind docs/QUALITY.md (resumable: rerun to continue). Usage:
#   bash benchmarks/run_quality.sh [LIMIT]        # default 200 sentences per set
#   VI_LIMIT=100 WMT_LIMIT=100 bash benchmarks/run_quality.sh 200   # what docs/QUALITY.md reports now
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT=${1:-200}
VI_LIMIT=${VI_LIMIT:-$LIMIT}
WMT_LIMIT=${WMT_LIMIT:-$LIMIT}
F=../shared/data/flores200-dev
W=../shared/data/wmt14-newstest2014-enfr
E=.venv/bin/editions
R=benchmarks/results
$E eval --src $F/flores_dev.eng_Latn --ref $F/flores_dev.fra_Latn --docid $F/flores_dev.docid \
  --to fr --limit "$LIMIT" --baseline raw --out $R/eval_flores_fr_$LIMIT.json
$E eval --src $F/flores_dev.eng_Latn --ref $F/flores_dev.vie_Latn --docid $F/flores_dev.docid \
  --to vi --limit "$VI_LIMIT" --baseline raw --out $R/eval_flores_vi_$VI_LIMIT.json
$E eval --src $W/newstest2014.en --ref $W/newstest2014.fr --docid $W/newstest2014.docid \
  --origlang $W/newstest2014.origlang --origlang-keep en \
  --to fr --limit "$WMT_LIMIT" --baseline raw --out $R/eval_wmt14_fr_$WMT_LIMIT.json
.venv/bin/python benchmarks/quality_report.py $R/eval_flores_fr_$LIMIT.json $R/eval_flores_vi_$VI_LIMIT.json \
  $R/eval_wmt14_fr_$WMT_LIMIT.json
