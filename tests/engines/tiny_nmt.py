"""Tiny random-weight CTranslate2 models of each NMT family, built by the tests (no download).

CTranslate2's own `TransformerSpec` is filled with small numpy weights, and a sentencepiece model is
trained on sentences we wrote. The models translate nothing meaningful: they test loading, language
codes, batching and reassembly, never quality. A family differs here the way it differs on disk: its
tokenizer files, its vocabulary's language codes, its metadata.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# Sentences we wrote, in the three languages, for the tiny tokenizers.
CORPUS = [
    "The city council approved the budget on Tuesday after a long debate.",
    "About 1,400 dockworkers began a 72-hour strike at the port.",
    "The minister said the plan would cost 3.9 million euros.",
    "Prices rose by 2.5 per cent in March, the statistics office said.",
    "Le conseil municipal a adopté le budget mardi après un long débat.",
    "Quelque 1 400 dockers ont entamé une grève de 72 heures au port.",
    "Le ministre a déclaré que le plan coûterait 3,9 millions d'euros.",
    "Hội đồng thành phố đã thông qua ngân sách vào thứ Ba sau một cuộc tranh luận dài.",
    "Khoảng 1.400 công nhân bốc xếp đã bắt đầu cuộc đình công kéo dài 72 giờ.",
    "Bộ trưởng cho biết kế hoạch sẽ tốn 3,9 triệu euro.",
] * 4

SPECIALS = ["<unk>", "<s>", "</s>", "<pad>"]


def train_spm(texts: Sequence[str], symbols: Sequence[str] = (), vocab_size: int = 160) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        vocab_size=vocab_size,
        user_defined_symbols=list(symbols),
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model.getvalue()


def pieces_of(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _fill(spec: Any, d: int, ffn: int, n_src: int, n_tgt: int, rng: np.random.Generator) -> None:
    def weights(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def shape_for(path: str) -> np.ndarray:
        if path.endswith("gamma"):
            return np.ones(d, np.float32)
        if path.endswith("beta"):
            return np.zeros(d, np.float32)
        if "encoder/embeddings" in path:
            return weights(n_src, d)
        if "decoder/embeddings" in path or "projection" in path:
            return weights(n_tgt, d)
        if "ffn/linear_0" in path:
            return weights(ffn, d)
        if "ffn/linear_1" in path:
            return weights(d, ffn)
        if "self_attention/linear_0" in path:
            return weights(3 * d, d)  # fused queries, keys, values
        if "/attention/linear_1" in path:
            return weights(2 * d, d)  # cross-attention: fused keys, values
        if "linear_" in path:
            return weights(d, d)
        raise ValueError(f"no shape for {path}")

    def walk(node: Any, path: str) -> None:
        for name, value in list(vars(node).items()):
            if name.startswith("_"):
                continue
            here = f"{path}/{name}"
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if type(item).__module__.startswith("ctranslate2"):
                        walk(item, f"{here}_{i}")
            elif type(value).__module__.startswith("ctranslate2.specs"):
                walk(value, here)
            elif value is None:
                setattr(node, name, shape_for(here))

    walk(spec, "")


def save_ct2(
    directory: Path, source_vocab: list[str], target_vocab: list[str] | None = None, seed: int = 0
) -> Path:
    """A 2-layer, 16-wide Transformer in CTranslate2's format at `directory`."""
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config((2, 2), 2)
    target_vocab = target_vocab or source_vocab
    _fill(spec, 16, 32, len(source_vocab), len(target_vocab), np.random.default_rng(seed))
    spec.register_source_vocabulary(source_vocab)
    spec.register_target_vocabulary(target_vocab)
    spec.config.decoder_start_token = "</s>"
    spec.validate()
    spec.optimize(quantization=None)
    directory.mkdir(parents=True, exist_ok=True)
    spec.save(str(directory))
    return directory


def vocabulary(spm_bytes: bytes, codes: Sequence[str] = ()) -> list[str]:
    body = [p for p in pieces_of(spm_bytes) if p not in SPECIALS]
    return SPECIALS + body + [c for c in codes if c not in body]


def build(root: Path, family: str, languages: Sequence[str] = ("en", "fr", "vi")) -> Path:
    """A tiny model of `family` under `root`; its path (a directory, or an .argosmodel for argos-file)."""
    from editions.engines.nmt import ISO3, NLLB_CODES

    if family == "nllb":
        codes = [NLLB_CODES[lang] for lang in languages]
        spm_bytes = train_spm(CORPUS)
        model = save_ct2(root / "nllb-tiny", vocabulary(spm_bytes, codes))
        (model / "sentencepiece.bpe.model").write_bytes(spm_bytes)
        return model
    if family == "m2m100":
        codes = [f"__{lang}__" for lang in languages]
        spm_bytes = train_spm(CORPUS)
        model = save_ct2(root / "m2m100-tiny", vocabulary(spm_bytes, codes))
        (model / "sentencepiece.bpe.model").write_bytes(spm_bytes)
        return model
    if family == "madlad":
        codes = [f"<2{lang}>" for lang in languages]
        spm_bytes = train_spm(CORPUS, symbols=codes)  # MADLAD's codes are pieces of its tokenizer
        model = save_ct2(root / "madlad-tiny", vocabulary(spm_bytes))
        (model / "spiece.model").write_bytes(spm_bytes)
        return model
    if family in ("marian", "marian-multi"):
        source = train_spm(CORPUS[:4])
        target = train_spm(CORPUS[4:10])
        multi = family == "marian-multi"
        codes = [f">>{ISO3[lang]}<<" for lang in languages[1:]] if multi else []
        name = "opus-mt-en-ROMANCE-tiny" if multi else "opus-mt-en-fr-tiny"
        model = save_ct2(root / name, vocabulary(source, codes), vocabulary(target))
        (model / "source.spm").write_bytes(source)
        (model / "target.spm").write_bytes(target)
        return model
    if family in ("argos", "argos-file"):
        spm_bytes = train_spm(CORPUS[:7])
        package = root / "translate-en_fr-tiny"
        save_ct2(package / "model", vocabulary(spm_bytes))
        (package / "sentencepiece.model").write_bytes(spm_bytes)
        metadata = {"package_version": "0.0", "from_code": "en", "to_code": "fr", "from_name": "English"}
        (package / "metadata.json").write_text(json.dumps(metadata))
        if family == "argos":
            return package
        archive = root / "translate-en_fr-tiny.argosmodel"
        with zipfile.ZipFile(archive, "w") as zf:
            for file in sorted(package.rglob("*")):
                if file.is_file():
                    zf.write(file, f"translate-en_fr-tiny/{file.relative_to(package)}")
        return archive
    raise ValueError(family)
