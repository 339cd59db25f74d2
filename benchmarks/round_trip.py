"""Lever (d): the round trip as a QA signal. The engine translates each edition back into English and the
back-translation is compared with the source: numbers, weekdays, names and negation. Measured on the
planted-error sets (tests/qa): recall on planted errors, and how often a clean translation is flagged.

    .venv/bin/python benchmarks/round_trip.py [--per-kind N] [--clean N] [--out FILE.json]

Prints a table and writes JSON. Runs the default model (about 1-2 s per back-translation on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "qa"))

from editions.engines import TranslationRequest, create_engine, engine_options  # noqa: E402
from editions.localize import find_weekdays  # noqa: E402
from editions.qa.align import negations  # noqa: E402
from editions.qa.checks import source_names  # noqa: E402
from editions.qa.numbers import number_values  # noqa: E402


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def compare(source: str, back: str) -> list[str]:
    """What the back-translation lost or changed against the English source."""
    signals = []
    if number_values(source, "en") - number_values(back, "en"):
        signals.append("number")
    days = Counter(m.day for m in find_weekdays(source, "en") if m.day is not None)
    if days - Counter(m.day for m in find_weekdays(back, "en") if m.day is not None):
        signals.append("weekday")
    plain_back = _plain(back)
    for _, _, words in source_names(source):
        if not any(_plain(re.sub(r"['’]s$", "", w)) in plain_back for w in words):
            signals.append("name")
            break
    if negations(source, "en") != negations(back, "en"):
        signals.append("negation")
    return signals


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=6, help="planted cases per kind and language")
    parser.add_argument("--clean", type=int, default=20, help="clean translations per language")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/round_trip.json")
    args = parser.parse_args()

    import test_planted_errors as old
    import test_planted_faithful as new

    picked: dict[tuple[str, str], int] = defaultdict(int)
    cases = []
    for case in [*old.planted_cases(), *new.planted_cases()]:
        if picked[(case.kind, case.lang)] < args.per_kind:
            picked[(case.kind, case.lang)] += 1
            cases.append((case.kind, case.lang, case.source, case.target))
    clean = [("clean", lang, s, t) for s, t, lang in new.clean_blocks()[:37] + old.clean_blocks()[:20]]
    per_lang: dict[str, int] = defaultdict(int)
    for item in clean:
        if per_lang[item[1]] < args.clean:
            per_lang[item[1]] += 1
            cases.append(item)

    started = time.perf_counter()
    rows = []
    with create_engine(engine_options("llamacpp")) as engine:
        for kind, lang, source, target in cases:
            [result] = engine.translate_batch([TranslationRequest(target, lang, "en")])
            rows.append(
                {
                    "kind": kind,
                    "lang": lang,
                    "source": source,
                    "target": target,
                    "back": result.text,
                    "signals": compare(source, result.text),
                    "engine_s": round(result.engine_s, 3),
                }
            )
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        by_kind[row["kind"]][0] += bool(row["signals"])
        by_kind[row["kind"]][1] += 1
    planted = [r for r in rows if r["kind"] != "clean"]
    flagged_planted = sum(bool(r["signals"]) for r in planted)
    flagged_clean = sum(bool(r["signals"]) for r in rows if r["kind"] == "clean")
    n_clean = sum(r["kind"] == "clean" for r in rows)
    summary = {
        "planted": len(planted),
        "recall": round(flagged_planted / len(planted), 4) if planted else None,
        "clean": n_clean,
        "clean_flagged": flagged_clean,
        "precision": round(flagged_planted / (flagged_planted + flagged_clean), 4)
        if flagged_planted + flagged_clean
        else None,
        "engine_s_per_back_translation": round(sum(r["engine_s"] for r in rows) / len(rows), 3),
        "wall_s": round(time.perf_counter() - started, 1),
        "by_kind": {k: {"flagged": v[0], "cases": v[1]} for k, v in sorted(by_kind.items())},
    }
    print(f"{'kind':<14}{'flagged':>9}{'cases':>7}")
    for kind, (flagged, total) in sorted(by_kind.items()):
        print(f"{kind:<14}{flagged:>9}{total:>7}")
    print(
        f"recall {summary['recall']}, precision {summary['precision']} "
        f"(clean flagged {flagged_clean}/{n_clean}), "
        f"{summary['engine_s_per_back_translation']} s per back-translation"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
