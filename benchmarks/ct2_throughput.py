"""The ctranslate2 engine: target tokens per second at batch sizes 1, 8 and 32, int8 against float32.

    .venv/bin/python benchmarks/ct2_throughput.py [--model DIR] [--sentences 64] [--threads N]
    make bench-ct2    # the same, plus the side-by-side with transformers (in .venv-bench, with torch)

1. **engine**: `CTranslate2Engine.translate_batch` (tokenizing, CTranslate2, detokenizing) on the
   tests' tiny random-weight Marian model (tests/engines/tiny_nmt.py) and, with `--model`, on a real
   model directory (an OPUS-MT, NLLB, M2M-100 or MADLAD conversion, an Argos package). `--sentences`
   English news sentences are sent in batches of 1, 8 and 32 with the engine's max_batch_tokens
   raised so that a batch is one CTranslate2 call; greedy decoding (beam 1). A random-weight model
   writes until its length limit, so its figures measure the machinery, not a translation.
2. **vs transformers** (when torch and transformers import): one random-weight model with OPUS-MT's
   shape (MarianConfig's defaults: 6+6 layers, d_model 512, 8 heads, FFN 2048, 58,101 tokens, as
   Helsinki-NLP/opus-mt-en-fr; nothing downloaded), converted with CTranslate2's own converter.
   transformers `generate` (float32, torch's threads = --threads) against
   `ctranslate2.Translator.translate_batch` (int8 and float32, --threads), on the same random source
   ids, greedy (`--beams 1,4` adds a beam of 4, as CTranslate2's own benchmark decodes; slow here),
   every hypothesis forced to exactly `--new-tokens` tokens in both, so both do the same work.
   CTranslate2's published anchor for this comparison is 4.7× (int8, CPU); the goal here ≥ 3×.

Each cell is the median of `--repeats` timed passes after one warm-up pass.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from editions import __version__
from editions.engines import create_engine, engine_options
from editions.engines.base import TranslationRequest

ROOT = Path(__file__).resolve().parent.parent
BATCHES = (1, 8, 32)
SENTENCES = [
    "The city council approved the budget on Tuesday after a long debate.",
    "About 1,400 dockworkers began a 72-hour strike at the port on Monday.",
    "The minister said the plan would cost 3.9 million euros over five years.",
    "Prices rose by 2.5 per cent in March, the statistics office said.",
    "Rescue teams reached the village after the river burst its banks overnight.",
    "The central bank left its main rate unchanged at 4 per cent.",
    "Officials said the new bridge would open to traffic in the spring.",
    "Farmers in the region expect a smaller wheat harvest this year.",
]


def _median_rate(run: Callable[[], int], repeats: int) -> float:
    """Tokens per second: the median over `repeats` timed passes, after one warm-up."""
    run()
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        tokens = run()
        rates.append(tokens / (time.perf_counter() - started))
    return statistics.median(rates)


def engine_rows(model: str, label: str, sentences: int, threads: int, repeats: int) -> list[dict[str, Any]]:
    texts = [SENTENCES[i % len(SENTENCES)] for i in range(sentences)]
    rows = []
    for compute in ("int8", "float32"):
        engine = create_engine(
            engine_options(
                "ctranslate2",
                model=model,
                compute_type=compute,
                n_threads=threads,
                beam_size=1,
                max_batch_tokens=1_000_000,
                device="cpu",
            )
        )
        try:
            for size in BATCHES:

                def run(size: int = size, engine: Any = engine) -> int:
                    tokens = 0
                    for start in range(0, len(texts), size):
                        chunk = [TranslationRequest(t, "en", "fr") for t in texts[start : start + size]]
                        tokens += sum(r.generated_tokens for r in engine.translate_batch(chunk))
                    return tokens

                rate = _median_rate(run, repeats)
                rows.append(
                    {"model": label, "compute_type": compute, "batch": size, "tokens_per_s": round(rate)}
                )
        finally:
            engine.close()
    return rows


def _opus_mt_sized(directory: Path) -> tuple[Any, list[str]]:
    """A random-weight MarianMTModel shaped as OPUS-MT en-fr, saved with a tokenizer; and its vocabulary."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    sys.path.insert(0, str(ROOT / "tests" / "engines"))
    from tiny_nmt import CORPUS, train_spm

    torch.manual_seed(0)
    config = MarianConfig(vocab_size=58101, pad_token_id=58100, decoder_start_token_id=58100)
    model = MarianMTModel(config).eval()
    pieces = train_spm(CORPUS)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "source.spm").write_bytes(pieces)
    (directory / "target.spm").write_bytes(pieces)
    spm.SentencePieceProcessor(model_proto=pieces)  # a valid model, or fail here
    vocab = {"</s>": 0, "<unk>": 1, **{f"▁w{i}": i for i in range(2, 58100)}, "<pad>": 58100}
    (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    MarianTokenizer(
        str(directory / "source.spm"), str(directory / "target.spm"), str(directory / "vocab.json")
    ).save_pretrained(str(directory))
    model.save_pretrained(str(directory))
    return model, list(vocab)


def side_by_side(threads: int, new_tokens: int, repeats: int, beams: list[int]) -> list[dict[str, Any]]:
    import ctranslate2
    import torch
    from ctranslate2.converters import TransformersConverter

    torch.set_num_threads(threads)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        hf_dir, ct2_dir = Path(tmp) / "hf", Path(tmp) / "ct2"
        model, vocab = _opus_mt_sized(hf_dir)
        TransformersConverter(str(hf_dir)).convert(str(ct2_dir), quantization=None)
        generator = torch.Generator().manual_seed(1)
        source = torch.randint(2, 58100, (32, 24), generator=generator)  # 32 sentences of 24 tokens
        source[:, -1] = 0  # each ends with </s>
        tokens = [[vocab[i] for i in row] for row in source.tolist()]
        translators = {
            c: ctranslate2.Translator(str(ct2_dir), device="cpu", compute_type=c, intra_threads=threads)
            for c in ("int8", "float32")
        }
        for beam, size in [(b, s) for b in beams for s in BATCHES]:

            def hf(size: int = size, beam: int = beam) -> int:
                done = 0
                with torch.inference_mode():
                    for start in range(0, 32, size):
                        out = model.generate(
                            input_ids=source[start : start + size],
                            num_beams=beam,
                            do_sample=False,
                            min_new_tokens=new_tokens,
                            max_new_tokens=new_tokens,
                        )
                        done += out.shape[0] * (out.shape[1] - 1)  # less the decoder start token
                return done

            hf_rate = _median_rate(hf, repeats)
            rows.append(
                {
                    "runtime": "transformers",
                    "compute_type": "float32",
                    "beam": beam,
                    "batch": size,
                    "tokens_per_s": round(hf_rate),
                }
            )
            for compute, translator in translators.items():

                def ct(size: int = size, beam: int = beam, translator: Any = translator) -> int:
                    done = 0
                    for start in range(0, 32, size):
                        results = translator.translate_batch(
                            tokens[start : start + size],
                            beam_size=beam,
                            min_decoding_length=new_tokens,
                            max_decoding_length=new_tokens,
                        )
                        done += sum(len(r.hypotheses[0]) for r in results)
                    return done

                rate = _median_rate(ct, repeats)
                rows.append(
                    {
                        "runtime": "ctranslate2",
                        "compute_type": compute,
                        "beam": beam,
                        "batch": size,
                        "tokens_per_s": round(rate),
                        "vs_transformers": round(rate / hf_rate, 2),
                    }
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=None, help="a real CTranslate2 model directory or Argos package")
    parser.add_argument("--sentences", type=int, default=64)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--new-tokens", type=int, default=32, help="tokens per hypothesis, side by side")
    parser.add_argument(
        "--beams", default="1", help="beam sizes side by side, e.g. 1,4 (CTranslate2's own benchmark: 4)"
    )
    parser.add_argument("--no-transformers", action="store_true", help="skip the side-by-side")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "ct2_throughput.json")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "tests" / "engines"))
    from tiny_nmt import build

    with tempfile.TemporaryDirectory() as tmp:
        tiny = build(Path(tmp), "marian")
        rows = engine_rows(str(tiny), "tiny Marian (random)", args.sentences, args.threads, args.repeats)
    if args.model:
        rows += engine_rows(args.model, Path(args.model).name, args.sentences, args.threads, args.repeats)
    print(f"engine: target tokens/s, {args.sentences} sentences, greedy, {args.threads} threads\n")
    print(f"{'model':<28} {'compute':<8} {'batch':>5} {'tokens/s':>9}")
    for row in rows:
        print(f"{row['model']:<28} {row['compute_type']:<8} {row['batch']:>5} {row['tokens_per_s']:>9}")

    compared: list[dict[str, Any]] | str
    try:
        if args.no_transformers:
            raise ImportError("--no-transformers")
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as err:
        compared = f"not run: {err} (make bench-ct2 installs torch and transformers in .venv-bench)"
        print(f"\nvs transformers: {compared}")
    else:
        compared = side_by_side(
            args.threads, args.new_tokens, args.repeats, [int(b) for b in args.beams.split(",")]
        )
        shape = f"32 sentences × 24 tokens → {args.new_tokens} tokens each"
        print(f"\nvs transformers: OPUS-MT-sized random Marian, {shape}\n")
        head = f"{'runtime':<13} {'compute':<8} {'beam':>4} {'batch':>5} {'tokens/s':>9}"
        print(f"{head} {'× transformers':>15}")
        for row in compared:
            ratio = f"{row['vs_transformers']:.2f}×" if "vs_transformers" in row else ""
            cells = (
                f"{row['runtime']:<13} {row['compute_type']:<8} {row['beam']:>4} {row['batch']:>5} "
                f"{row['tokens_per_s']:>9}"
            )
            print(f"{cells} {ratio:>15}")

    import ctranslate2

    result = {
        "benchmark": "ct2_throughput",
        "version": __version__,
        "ctranslate2": ctranslate2.__version__,
        "machine": {"cpus": os.cpu_count(), "threads": args.threads, "python": platform.python_version()},
        "engine": rows,
        "vs_transformers": compared,
        "anchor": "4.7x (CTranslate2's published CPU benchmark, int8)",
        "goal": ">= 3x",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
