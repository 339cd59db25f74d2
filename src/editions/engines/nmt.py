"""Sentence-level NMT models on disk (CTranslate2 format): where one is, which family it belongs to,
its tokenizer and the language codes that family speaks. No CTranslate2 import here.

A model is named the way faster-whisper names them:
- a CTranslate2 directory (`model.bin`, a vocabulary, the sentencepiece file(s) beside them);
- an Argos Translate package: an `.argosmodel` file (a zip, unpacked once into our data directory) or
  an installed package directory (`metadata.json`, `model/`, `sentencepiece.model`);
- an alias (`opus-mt-en-fr`, `nllb-600m`, …: `ALIASES`), or a hub id `owner/repo` of a converted
  model, fetched once when the machine has a network (`editions models pull NAME`), then found in
  our data directory. Offline, a one-line error says so at once.

Families and their codes (`Family.source_tokens` / `target_prefix`):
- Marian / OPUS-MT: one model per pair (`source.spm`, `target.spm`); a multi-target model takes
  `>>fra<<` first. The pair comes from the name (`opus-mt-en-fr`) or a `editions-nmt.json` beside it.
- NLLB-200: `eng_Latn … </s>` in, target prefix `fra_Latn` (dropped from the output).
- M2M-100: `__en__ … </s>` in, target prefix `__fr__`.
- MADLAD-400: `<2fr>` written in front of the text, then tokenized; no target prefix.
- Argos Translate: a per-pair CTranslate2 model and one `sentencepiece.model`, pair in `metadata.json`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from editions.engines.models import file_sha256, hub_snapshot
from editions.errors import BackendMissingError, ModelUnavailableError, UnknownLanguageError
from editions.paths import models_dir

FamilyName = Literal["marian", "nllb", "m2m100", "madlad", "argos"]
FAMILIES: tuple[FamilyName, ...] = ("marian", "nllb", "m2m100", "madlad", "argos")

# Our language codes (languages.py) in each family's spelling.
NLLB_CODES = {
    "en": "eng_Latn", "fr": "fra_Latn", "vi": "vie_Latn", "es": "spa_Latn", "de": "deu_Latn",
    "pt": "por_Latn", "it": "ita_Latn", "nl": "nld_Latn", "pl": "pol_Latn", "id": "ind_Latn",
    "zh": "zho_Hans", "ja": "jpn_Jpan", "ko": "kor_Hang", "ru": "rus_Cyrl", "ar": "arb_Arab",
}  # fmt: skip
ISO3 = {
    "en": "eng", "fr": "fra", "vi": "vie", "es": "spa", "de": "deu", "pt": "por", "it": "ita",
    "nl": "nld", "pl": "pol", "id": "ind", "zh": "zho", "ja": "jpn", "ko": "kor", "ru": "rus",
    "ar": "ara",
}  # fmt: skip

# Converted models on the hub that these names stand for (fetched only by `editions models pull`
# or on first use with a network; never in tests).
ALIASES: dict[str, str] = {
    "opus-mt-en-fr": "gaudi/opus-mt-en-fr-ctranslate2",
    "opus-mt-en-vi": "gaudi/opus-mt-en-vi-ctranslate2",
    "opus-mt-en-es": "gaudi/opus-mt-en-es-ctranslate2",
    "opus-mt-en-de": "gaudi/opus-mt-en-de-ctranslate2",
    "opus-mt-fr-en": "gaudi/opus-mt-fr-en-ctranslate2",
    "nllb-600m": "skywood/nllb-200-distilled-600M-ct2-int8",
    "nllb-1.3b": "BLCK-B/nllb-ctranslate-int8",
    "m2m100-418m": "michaelfeil/ct2fast-m2m100_418M",
    "madlad400-3b": "zenoverflow/madlad400-3b-mt-int8-float32",
}

_PAIR_RE = re.compile(r"(?:^|[-_/])(?:opus-mt|translate)-([a-z]{2,3})[-_]([a-z]{2,3})(?:$|[-_.])", re.I)
_HUB_ID_RE = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SIDE_FILE = "editions-nmt.json"  # {"family": …, "source": "en", "target": "fr"} beside a model


@dataclass(frozen=True)
class NmtModel:
    """A CTranslate2 model directory and what we know about it."""

    name: str
    directory: Path  # the CTranslate2 model (model.bin, config.json, vocabularies)
    family: FamilyName
    source_spm: Path
    target_spm: Path
    pair: tuple[str, str] | None = None  # per-pair models: (source, target)
    vocabulary: frozenset[str] = field(default=frozenset(), repr=False)
    multi_target: bool = False  # a Marian model that takes a >>fra<< token (read once, at load)

    @property
    def sha256(self) -> str:
        return file_sha256(self.directory / "model.bin")

    def check_pair(self, source: str, target: str) -> None:
        """Refuse a direction this model cannot translate, with its name and what it can do."""
        if self.pair is not None:
            if (source, target) != self.pair:
                raise UnknownLanguageError(
                    f"{self.name} translates {self.pair[0]}→{self.pair[1]} only, not {source}→{target}; "
                    f"use a model for that pair or a multilingual one (nllb-600m, m2m100-418m)"
                )
            return
        if self.family == "marian":  # multi-target: a >>fra<< token per target language
            if not self._marian_code(target):
                token = f">>{ISO3.get(target, target)}<<"
                raise UnknownLanguageError(f"{self.name} has no target-language token {token} for {target!r}")
            return
        for lang in (source, target) if self.family != "madlad" else (target,):
            if self.code(lang) not in self.vocabulary:
                raise UnknownLanguageError(
                    f"{self.name} ({self.family}) has no language code for {lang!r} "
                    f"(looked for {self.code(lang)!r})"
                )

    def _marian_code(self, lang: str) -> str | None:
        for token in (f">>{ISO3.get(lang, lang)}<<", f">>{lang}<<"):
            if token in self.vocabulary:
                return token
        return None

    def code(self, lang: str) -> str:
        """`lang` as this family writes it."""
        if self.family == "nllb":
            return NLLB_CODES.get(lang, lang)
        if self.family == "m2m100":
            return f"__{lang}__"
        if self.family == "madlad":
            return f"<2{lang}>"
        return self._marian_code(lang) or lang

    def source_tokens(self, pieces: Sequence[str], source: str, target: str) -> list[str]:
        """What the encoder reads, from the text's sentencepiece pieces."""
        if self.family in ("nllb", "m2m100"):
            return [self.code(source), *pieces, "</s>"]
        if self.family == "madlad":
            return [*pieces, "</s>"]  # its <2xx> token is in the text (`source_text`)
        if self.family == "marian":
            head = [self._marian_code(target) or ""] if self.multi_target else []
            return [*[h for h in head if h], *pieces, "</s>"]
        return list(pieces)  # argos: the pieces as they are

    def source_text(self, text: str, target: str) -> str:
        return f"{self.code(target)} {text}" if self.family == "madlad" else text

    def target_prefix(self, target: str) -> list[str] | None:
        return [self.code(target)] if self.family in ("nllb", "m2m100") else None

    def output_pieces(self, tokens: Sequence[str], target: str) -> list[str]:
        """The decoder's tokens without the forced prefix and special tokens."""
        prefix = self.target_prefix(target) or []
        body = list(tokens[len(prefix) :]) if list(tokens[: len(prefix)]) == prefix else list(tokens)
        return [t for t in body if t not in ("</s>", "<s>", "<pad>") and not _is_code(t)]


def _is_code(token: str) -> bool:
    return bool(re.fullmatch(r"__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}|<2[\w-]+>|>>[\w-]+<<", token))


# --- finding a model --------------------------------------------------------------------------------


def ct2_models_dir() -> Path:
    return models_dir() / "ct2"


def resolve_nmt_model(spec: str | None, family: str | None = None) -> NmtModel:
    """A model from a directory, an `.argosmodel` file, an alias or a hub id (see the module doc)."""
    if not spec:
        raise ModelUnavailableError(
            "the ctranslate2 engine needs --model: a CTranslate2 directory, an .argosmodel file, "
            f"an Argos package directory or an alias ({', '.join(sorted(ALIASES))})"
        )
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".argosmodel":
        return load_nmt_model(unpack_argos(path), name=path.stem, family=family)
    if path.is_dir():
        return load_nmt_model(path, name=path.name, family=family)
    if path.exists():
        raise ModelUnavailableError(f"{spec}: not a CTranslate2 model directory or an .argosmodel file")
    repo = ALIASES.get(spec, spec)
    if _HUB_ID_RE.match(repo) and not spec.startswith((".", "/", "~")):
        local = _hub_dir(repo)
        if (local / "model.bin").is_file():
            return load_nmt_model(local, name=spec, family=family, hint=spec)
        return load_nmt_model(pull(repo), name=spec, family=family, hint=spec)
    raise ModelUnavailableError(
        f"model not found: {spec} (not a directory, an .argosmodel file, an alias or a hub id)"
    )


def _hub_dir(repo: str) -> Path:
    return ct2_models_dir() / repo.replace("/", "--")


def pull(name: str) -> Path:
    """Fetch a converted model (alias or hub id) into our data directory; its path. One-line error
    when the hub cannot be reached; `EDITIONS_HUB_OFFLINE=1` never tries."""
    repo = ALIASES.get(name, name)
    if not _HUB_ID_RE.match(repo):
        raise ModelUnavailableError(f"{name!r} is not an alias ({', '.join(sorted(ALIASES))}) or a hub id")
    target = _hub_dir(repo)
    if (target / "model.bin").is_file():
        return target
    try:
        import huggingface_hub as hub
    except ImportError as err:
        raise BackendMissingError(
            f"fetching {name!r} needs huggingface_hub: pip install 'editions[hub]'"
        ) from err
    hub_snapshot(
        hub,
        repo,
        what=f"{name!r} ({repo})",
        instead="pass a local CTranslate2 directory or .argosmodel file with --model",
        local_dir=str(target),
    )
    return target


_ARGOS_LIMIT = 4 * 1024**3  # unpacked bytes an .argosmodel may hold


def unpack_argos(path: Path) -> Path:
    """An `.argosmodel` (zip) unpacked once into our data directory (keyed by its sha256)."""
    digest = hashlib.sha256(f"{path.resolve()}:{path.stat().st_size}:{path.stat().st_mtime_ns}".encode())
    target = ct2_models_dir() / "argos" / f"{path.stem}-{digest.hexdigest()[:12]}"
    if target.is_dir():
        return _argos_root(target)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise ModelUnavailableError(f"{path}: not an Argos Translate package (not a zip: {err})") from err
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > _ARGOS_LIMIT:
            raise ModelUnavailableError(f"{path}: unpacks to more than {_ARGOS_LIMIT // 1024**3} GiB")
        for member in members:
            name = Path(member.filename)
            if name.is_absolute() or ".." in name.parts:
                raise ModelUnavailableError(f"{path}: unsafe path in the package: {member.filename!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpacking-"))
        try:
            archive.extractall(staging)
            staging.rename(target)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not target.is_dir():
                raise
    return _argos_root(target)


def _argos_root(directory: Path) -> Path:
    """The package directory inside an unpacked archive (packages hold one top-level folder)."""
    if (directory / "metadata.json").is_file():
        return directory
    inner = [p for p in directory.iterdir() if p.is_dir() and (p / "metadata.json").is_file()]
    if len(inner) == 1:
        return inner[0]
    raise ModelUnavailableError(f"{directory}: no metadata.json; not an Argos Translate package")


def load_nmt_model(
    directory: Path, *, name: str, family: str | None = None, hint: str | None = None
) -> NmtModel:
    """Read a model directory (CTranslate2 or an Argos package) and decide its family."""
    metadata = _read_json(directory / "metadata.json")
    side = _read_json(directory / SIDE_FILE)
    model_dir = directory
    if metadata is not None and (directory / "model" / "model.bin").is_file():
        model_dir = directory / "model"
        family = family or "argos"
    if not (model_dir / "model.bin").is_file():
        raise ModelUnavailableError(f"{directory}: no model.bin; not a CTranslate2 model directory")
    vocabulary = _vocabulary(model_dir)
    chosen = family or (side or {}).get("family") or _family_from(vocabulary, directory)
    if chosen not in FAMILIES:
        raise ModelUnavailableError(f"{name}: unknown model family {chosen!r}; one of {', '.join(FAMILIES)}")
    source_spm, target_spm = _spm_files(directory, model_dir, chosen)
    pair: tuple[str, str] | None = None
    if chosen == "argos":
        if not metadata or not metadata.get("from_code") or not metadata.get("to_code"):
            raise ModelUnavailableError(
                f"{name}: the Argos package's metadata.json names no from_code/to_code"
            )
        pair = (str(metadata["from_code"]), str(metadata["to_code"]))
    multi_target = chosen == "marian" and any(t.startswith(">>") and t.endswith("<<") for t in vocabulary)
    if chosen == "marian" and not multi_target:
        pair = _marian_pair(side, hint, name, directory)  # a multi-target model takes >>fra<< instead
    return NmtModel(
        name=name,
        directory=model_dir,
        family=chosen,  # checked against FAMILIES above
        source_spm=source_spm,
        target_spm=target_spm,
        pair=pair,
        vocabulary=frozenset(vocabulary),
        multi_target=multi_target,
    )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _vocabulary(model_dir: Path) -> list[str]:
    """The tokens the model knows (source and target vocabularies together)."""
    tokens: list[str] = []
    for stem in ("shared_vocabulary", "source_vocabulary", "target_vocabulary"):
        json_file, text_file = model_dir / f"{stem}.json", model_dir / f"{stem}.txt"
        if json_file.is_file():
            data = json.loads(json_file.read_text(encoding="utf-8"))
            tokens += [str(t) for t in data] if isinstance(data, list) else []
        elif text_file.is_file():
            tokens += text_file.read_text(encoding="utf-8").splitlines()
    return tokens


def _family_from(vocabulary: Sequence[str], directory: Path) -> str:
    known = set(vocabulary)
    if "fra_Latn" in known or "eng_Latn" in known:
        return "nllb"
    if "__en__" in known or "__fr__" in known:
        return "m2m100"
    if any(t.startswith("<2") and t.endswith(">") for t in known):
        return "madlad"
    if (directory / "source.spm").is_file():
        return "marian"
    raise ModelUnavailableError(
        f"{directory}: cannot tell the model family (no NLLB, M2M-100 or MADLAD language codes, no "
        f'source.spm); write {SIDE_FILE} beside it, e.g. {{"family": "marian", "source": "en", '
        '"target": "fr"}'
    )


def _spm_files(directory: Path, model_dir: Path, family: str) -> tuple[Path, Path]:
    places = [directory, model_dir]
    if family == "marian":
        for place in places:
            if (place / "source.spm").is_file() and (place / "target.spm").is_file():
                return place / "source.spm", place / "target.spm"
        raise ModelUnavailableError(f"{directory}: a Marian model needs source.spm and target.spm beside it")
    names = ("sentencepiece.model", "sentencepiece.bpe.model", "spiece.model", "spm.model")
    for place in places:
        for file_name in names:
            if (place / file_name).is_file():
                return place / file_name, place / file_name
    raise ModelUnavailableError(f"{directory}: no sentencepiece model ({', '.join(names)}) beside it")


def _marian_pair(
    side: dict[str, Any] | None, hint: str | None, name: str, directory: Path
) -> tuple[str, str]:
    if side and side.get("source") and side.get("target"):
        return str(side["source"]), str(side["target"])
    for text in (hint or "", name, directory.name, str(directory)):
        match = _PAIR_RE.search(text)
        if match:
            return match.group(1).lower(), match.group(2).lower()
    raise ModelUnavailableError(
        f"{name}: a Marian model is one language pair, and its name does not say which "
        f'(opus-mt-en-fr); write {SIDE_FILE} beside it: {{"source": "en", "target": "fr"}}'
    )
