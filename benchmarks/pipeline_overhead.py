"""How much time does the pipeline add to the engine's own work? Prints a table, writes JSON.

    .venv/bin/python benchmarks/pipeline_overhead.py [--article examples/water-summit.md] [--to fr,vi]

wall      time of Pipeline.translate for one language (model already loaded, lingua preloaded as the CLI does)
engine    time spent inside the engine's calls (prompt evaluation + generation)
overhead  wall / engine (goal ≤ 1.05)
tok/s     generated tokens / engine time
peak RSS  of this process, model included (goal ≤ 2.6 GB)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

from editions import __version__, langid
from editions.engines import EngineOptions, create_engine
from editions.ingest import read_article
from editions.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "water-summit.md")
    parser.add_argument("--to", default="fr,vi")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "pipeline_overhead.json"
    )
    args = parser.parse_args()

    article = read_article(args.article)
    words = len(" ".join([article.headline, *(b.plain for b in article.blocks)]).split())
    preload = langid.preload()
    started = time.perf_counter()
    engine = create_engine(EngineOptions())
    load_s = time.perf_counter() - started
    preload.join()
    pipeline = Pipeline(engine)

    rows = []
    for lang in args.to.split(","):
        started = time.perf_counter()
        [edition] = pipeline.translate(article, lang)
        wall = time.perf_counter() - started
        t = edition.timings
        rows.append(
            {
                "lang": lang,
                "blocks": len(edition.blocks),
                "wall_s": round(wall, 2),
                "engine_s": round(t.engine_s, 2),
                "overhead": round(wall / t.engine_s, 4),
                "engine_calls": t.engine_calls,
                "prompt_tokens": t.prompt_tokens,
                "generated_tokens": t.generated_tokens,
                "generated_tok_per_s": round(t.generated_tokens / t.engine_s, 1),
            }
        )
    engine.close()
    peak_rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9

    print(
        f"article {args.article.name}: {words} words, {len(article.blocks)} blocks; model load {load_s:.1f} s"
    )
    header = f"{'lang':<5}{'wall s':>8}{'engine s':>10}{'overhead':>10}{'calls':>7}{'gen tok':>9}{'tok/s':>7}"
    print(header)
    for r in rows:
        print(
            f"{r['lang']:<5}{r['wall_s']:>8.1f}{r['engine_s']:>10.1f}{r['overhead']:>10.3f}"
            f"{r['engine_calls']:>7}{r['generated_tokens']:>9}{r['generated_tok_per_s']:>7.1f}"
        )
    print(f"peak RSS {peak_rss_gb:.2f} GB (goal <= 2.6); overhead goal <= 1.05")
    report = {
        "benchmark": "pipeline_overhead",
        "article": args.article.name,
        "words": words,
        "model_load_s": round(load_s, 2),
        "signature": engine.provenance.signature(),
        "rows": rows,
        "peak_rss_gb": round(peak_rss_gb, 3),
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count()},
        "version": __version__,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
