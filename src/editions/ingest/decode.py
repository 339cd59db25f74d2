"""Bytes in, clean text out: size limit, binary sniffing, UTF-8 (or BOM / declared-charset) decoding.

Every check that can reject an input runs before the expensive ones: the size is known from `stat`
(or `len`) before anything is read, binary magic and NUL bytes are found before decoding, and a file
is never read past `max_bytes + 1` bytes, so `/dev/zero` or a growing log cannot exhaust memory.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata

from editions.errors import BinaryInputError, EncodingError, InputError, InputTooLargeError

DEFAULT_MAX_BYTES = 2_000_000  # a long news article is ~50 kB of text; 2 MB leaves room for HTML pages

# Formats that people save an article in by mistake, named so the message says what was given.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document; export it as text or HTML"),
    (b"PK\x03\x04", "ZIP archive, e.g. a .docx; save it as text or HTML"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office document; save it as text or HTML"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "executable"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM begins with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab, newline, carriage return and form feed, plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.10

# Browsers read these labels as windows-1252 (WHATWG Encoding); so do we.
_WINDOWS_1252_LABELS = frozenset({"ascii", "iso8859-1", "cp1252"})

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_NEWLINE_RE = re.compile("\r\n?|[\u0085\u2028\u2029\x0b\x0c]")
# Controls and invisible characters that only confuse engines and diffs. ZWJ/ZWNJ (U+200C/D) and the
# bidi marks stay: they change how emoji, Persian or Arabic text is written.
_INVISIBLE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff\ud800-\udfff]")


def human_size(size: int) -> str:
    """Decimal units, matching the limit as people write it: 2_000_000 → "2.0 MB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


def display_name(label: str) -> str:
    """A file or upload name as a message shows it: on one line, whatever characters the name holds
    (a newline is legal in a Linux file name), escaped the way Python writes them ("a\\nb.md")."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in label)


def check_size(size: int, max_bytes: int, label: str, *, at_least: bool = False) -> None:
    if size > max_bytes:
        amount = f"over {human_size(max_bytes)}" if at_least else human_size(size)
        raise InputTooLargeError(f"{label} is {amount}; the limit is {human_size(max_bytes)} (--max-bytes)")


def read_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The file's bytes, refusing before reading when `stat` already shows it is too large."""
    label = display_name(os.fspath(path))
    try:
        if os.path.isdir(path):
            raise InputError(f"{label} is a directory, not an article file")
        check_size(os.stat(path).st_size, max_bytes, label)
        with open(path, "rb") as handle:
            # Devices and pipes report size 0: read one byte past the limit to notice them.
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"no such file: {label}") from None
    except PermissionError:
        raise InputError(f"cannot read {label}: permission denied") from None
    except OSError as err:
        raise InputError(f"cannot read {label}: {err.strerror or err}") from None
    except (UnicodeError, ValueError):  # a NUL, or a lone surrogate the file system cannot encode
        raise InputError(f"cannot read {label}: not a valid file name") from None
    check_size(len(raw), max_bytes, label, at_least=True)
    return raw


def decode(raw: bytes, label: str, *, maybe_html: bool = False) -> str:
    """Decode `raw` as UTF-8 (BOM or not) or UTF-16/32 with a BOM; reject binary data first.

    With `maybe_html`, bytes that are not UTF-8 are decoded with the charset a `<meta>` declares.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            if codec == "utf-8-sig":
                reject_binary(raw[len(bom) :], label)
            return _decode_with(raw, codec, label)
    reject_binary(raw, label)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        declared = declared_charset(raw) if maybe_html else None
        if declared is None or codecs.lookup(declared).name == "utf-8":
            raise EncodingError(_not_utf8(label, "UTF-8", err)) from None
        return _decode_with(raw, declared, label)


def decode_with_charset(raw: bytes, label: str, charset: str | None, *, maybe_html: bool) -> str:
    """Text of an HTTP body: a BOM, else the header's charset, else as a file is read (UTF-8, <meta>)."""
    codec = _codec(charset)
    if codec is None or codec == "utf-8" or raw.startswith((codecs.BOM_UTF8, b"\xff\xfe", b"\xfe\xff")):
        return decode(raw, label, maybe_html=maybe_html)
    if not codec.startswith(("utf-16", "utf-32")):  # their NUL bytes are text
        reject_binary(raw, label)
    if codec in _WINDOWS_1252_LABELS:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes cp1252 leaves out: C1 controls, as browsers do
            return raw.decode("latin-1")
    try:
        return raw.decode(codec)
    except UnicodeError as err:  # punycode and idna raise a bare UnicodeError, with no offset
        raise EncodingError(
            f"{label} is not valid {charset}, as its Content-Type says{_where(err)}"
        ) from None


def _codec(charset: str | None) -> str | None:
    """Python's name for `charset`; None for none or one Python does not know (read as if none)."""
    return None if charset is None else _text_codec(charset)


def _text_codec(name: str) -> str | None:
    """Python's name for the text encoding `name`; None for an unknown name, and for Python's codecs
    that are not text encodings ("hex", "base64", "rot13" …), which a page may name all the same."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None
    # the flag bytes.decode itself checks before refusing such a codec
    return info.name if getattr(info, "_is_text_encoding", True) else None


def reject_binary(raw: bytes, label: str) -> None:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise BinaryInputError(f"{label} looks like binary data ({what}), not an article")
    if b"\x00" in raw:
        raise BinaryInputError(f"{label} looks like binary data (it contains NUL bytes), not an article")
    controls = len(raw) - len(raw.translate(None, _CONTROL_BYTES))
    if raw and controls / len(raw) > _MAX_CONTROL_SHARE:
        share = f"{controls / len(raw):.0%} control characters"
        raise BinaryInputError(f"{label} looks like binary data ({share}), not an article")


def declared_charset(raw: bytes) -> str | None:
    """The charset a `<meta charset>` / `http-equiv` tag declares near the top, if Python knows it."""
    match = _META_CHARSET_RE.search(raw[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii")
    codec = _text_codec(name)
    # Bytes that a <meta> could be read from are not UTF-16/32, whatever it says (browsers agree).
    return None if codec is None or codec.startswith(("utf-16", "utf-32")) else name


def _decode_with(raw: bytes, codec: str, label: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeError as err:  # punycode and idna raise a bare UnicodeError, with no offset
        raise EncodingError(_not_utf8(label, codec, err)) from None


def _where(err: UnicodeError) -> str:
    """ " (byte 0xe9 at offset 3)" for a decoding error that says where; "" for one that does not."""
    if not isinstance(err, UnicodeDecodeError):
        return ""
    return f" (byte 0x{err.object[err.start]:02x} at offset {err.start})"


def _not_utf8(label: str, codec: str, err: UnicodeError) -> str:
    return f"{label} is not valid {codec}{_where(err)}; convert it with e.g. iconv -f latin1 -t utf-8"


def clean_text(text: str) -> str:
    """One newline convention, NFC, and no invisible control characters."""
    text = _NEWLINE_RE.sub("\n", text)
    text = _INVISIBLE_RE.sub("", text)
    return unicodedata.normalize("NFC", text)
