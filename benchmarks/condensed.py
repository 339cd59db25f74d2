"""Condensed editions (`--mode condensed --words N`) on our set: budget, invented facts, the lead, facts
kept, and the planted invented facts the invariant checks catch. Prints tables, writes JSON.

    .venv/bin/python benchmarks/condensed.py [--words 400] [--to fr,vi] [--only a1,b2] [--out FILE.json]

The set is examples/condensed/ (8 English articles of 860-920 body words we wrote, facts listed in
their `.facts.json`); the measures are defined in tests/condense/condensed_suite.py. The default
model translates (about 2-4 minutes an edition on 2 cores). Each edition is kept as JSON beside the
report (`<out>.editions/`), and the planted-fact measure runs on those editions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "condense"))

from condensed_suite import caught, load_set, measure, plants  # noqa: E402

from editions import __version__, langid  # noqa: E402
from editions.condense import translate_condensed  # noqa: E402
from editions.document import Edition  # noqa: E402
from editions.engines import EngineOptions, create_engine  # noqa: E402
from editions.pipeline import Pipeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--to", default="fr,vi")
    parser.add_argument("--only", default=None, help="article name prefixes, e.g. a1,b2")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "condensed.json")
    parser.add_argument("--reuse", action="store_true", help="plant into the editions already written")
    args = parser.parse_args()
    cases = load_set()
    if args.only:
        cases = [c for c in cases if c.name.startswith(tuple(args.only.split(",")))]
    kept_dir = args.out.with_suffix(".editions")
    kept_dir.mkdir(parents=True, exist_ok=True)
    langid.preload().join()
    rows: list[dict[str, Any]] = []
    editions: list[tuple[Any, Edition]] = []
    started = time.perf_counter()
    with create_engine(EngineOptions(engine="llamacpp")) as engine:
        pipeline = Pipeline(engine)
        for case in cases:
            article = case.article()
            for lang in args.to.split(","):
                path = kept_dir / f"{case.name}.{lang}.json"
                if args.reuse and path.exists():
                    edition = Edition.model_validate_json(path.read_text(encoding="utf-8"))
                else:
                    edition = translate_condensed(pipeline, article, lang, args.words)
                    path.write_text(edition.model_dump_json(indent=1), encoding="utf-8")
                row = measure(case, article, edition)
                rows.append(row)
                editions.append((article, edition))
                print(
                    f"{case.name:<26} {lang}  {row['words']:>4} words  within={row['within']}  "
                    f"invented={row['invented']}  lead={row['lead_kept']}  "
                    f"facts {row['facts_kept']}/{row['facts']}  out for facts {row['left_out_for_facts']}  "
                    f"{row['engine_s']} s",
                    flush=True,
                )
    wall = time.perf_counter() - started
    planted = _planted(editions)
    report = {
        "version": __version__,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load": os.getloadavg()},
        "settings": {"words": args.words, "to": args.to, "articles": [c.name for c in cases]},
        "wall_s": round(wall, 1),
        "summary": _summary(rows),
        "planted": planted,
        "editions": rows,
    }
    _print(report)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


def _planted(editions: list[tuple[Any, Edition]]) -> dict[str, Any]:
    total: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    missed: list[dict[str, str]] = []
    for article, edition in editions:
        for plant in plants(article, edition):
            total[plant.kind] += 1
            if caught(article, edition, plant):
                hits[plant.kind] += 1
            else:
                missed.append({"kind": plant.kind, "to": edition.target_lang, "after": plant.after[:300]})
    kinds = {
        kind: {"planted": total[kind], "caught": hits[kind], "recall": round(hits[kind] / total[kind], 3)}
        for kind in sorted(total)
    }
    all_total, all_hits = sum(total.values()), sum(hits.values())
    return {
        "kinds": kinds,
        "planted": all_total,
        "caught": all_hits,
        "recall": round(all_hits / all_total, 3) if all_total else None,
        "missed": missed[:30],
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lang in sorted({r["to"] for r in rows}):
        mine = [r for r in rows if r["to"] == lang]
        out[lang] = {
            "editions": len(mine),
            "within_budget": sum(r["within"] for r in mine),
            "words_median": statistics.median(r["words"] for r in mine),
            "words_min": min(r["words"] for r in mine),
            "words_max": max(r["words"] for r in mine),
            "invented": sum(r["invented"] for r in mine),
            "lead_kept": sum(r["lead_kept"] for r in mine),
            "facts_kept_share": round(
                sum(r["facts_kept"] for r in mine) / max(1, sum(r["facts"] for r in mine)), 3
            ),
            "engine_s_median": statistics.median(r["engine_s"] for r in mine),
            "left_out_for_facts": sum(r.get("left_out_for_facts", 0) for r in mine),
        }
    return out


def _print(report: dict[str, Any]) -> None:
    print(f"\nbudget {report['settings']['words']} words; {report['wall_s']} s")
    heads = ("editions", "±10%", "words (min/med/max)", "invented", "lead", "facts kept", "engine s")
    widths = (8, 5, 21, 8, 5, 10, 9)
    print(f"{'to':<4} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    for lang, s in report["summary"].items():
        words = f"{s['words_min']}/{s['words_median']:.0f}/{s['words_max']}"
        print(
            f"{lang:<4} {s['editions']:>8} {s['within_budget']:>5} {words:>21} {s['invented']:>8} "
            f"{s['lead_kept']:>5} {s['facts_kept_share']:>10.1%} {s['engine_s_median']:>9.0f}"
        )
    planted = report["planted"]
    print(f"\nplanted invented facts: {planted['caught']}/{planted['planted']} caught ({planted['recall']})")
    for kind, k in planted["kinds"].items():
        print(f"  {kind:<8} {k['caught']:>4}/{k['planted']:<4} {k['recall']:.1%}")


if __name__ == "__main__":
    main()
