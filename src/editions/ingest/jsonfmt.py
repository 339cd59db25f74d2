"""Article JSON, in one of two shapes.

Our own schema is an `Article` as `model_dump_json` writes it (blocks with placeholder text and marks);
block ids are renumbered `b1, b2, …`, a span whose link is not http(s)/mailto/relative loses its tags,
and broken placeholder markup is refused. The CMS shape is what a newsroom system exports:

    {"headline": "…", "body": ["paragraph", …] or "paragraph\\n\\nparagraph",
     "standfirst": "…", "byline": "…", "dateline": "…", "lang": "en"}   (all but headline optional)

whose body is read like plain text. `{"headline": "…"}` alone is a headline-only article. Every
problem is an `ArticleFormatError` with a one-line message, never a pydantic report.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from editions.document import Article, Block, block_id, markup_problems, normalize_space, plain_text
from editions.errors import ArticleFormatError, UnknownLanguageError
from editions.ingest.decode import clean_text
from editions.ingest.draft import assemble, plain_headline, safe_href
from editions.ingest.text import body_drafts
from editions.languages import get_language

_CMS_FIELDS = ("headline", "body", "standfirst", "byline", "dateline", "lang")
_MAX_DEPTH = 16  # our schema nests 4 deep (article → blocks → block → marks → mark)


def parse_json(text: str) -> Article:
    data = _load(text)
    if not isinstance(data, dict):
        raise ArticleFormatError(f"article JSON must be an object, not {_type_name(data)}")
    data = _clean_strings(data, 0)
    return _from_cms(data) if "body" in data or "lang" in data else _from_schema(data)


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ArticleFormatError(
            f"not valid article JSON: line {err.lineno} column {err.colno}: {err.msg}"
        ) from None
    except RecursionError:
        raise ArticleFormatError("not valid article JSON: nested too deeply") from None
    except ValueError:  # Python's limit on digits in an int (4300): no article field needs one
        raise ArticleFormatError("not valid article JSON: a number with too many digits") from None


def _clean_strings(value: Any, depth: int) -> Any:
    """Escapes such as "\\u0000" get past the decoder's clean-up; clean every string here too."""
    if depth > _MAX_DEPTH:
        raise ArticleFormatError("article JSON is nested too deeply to be an article")
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_strings(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {key: _clean_strings(item, depth + 1) for key, item in value.items()}
    return value


# -- the CMS shape ---------------------------------------------------------------------------------


def _from_cms(data: dict[str, Any]) -> Article:
    unknown = [key for key in data if key not in _CMS_FIELDS]
    if unknown:
        expected = ", ".join(_CMS_FIELDS)
        raise ArticleFormatError(f"article JSON: unknown field {unknown[0]!r} (expected {expected})")
    headline = plain_headline(_required_string(data, "headline"))
    drafts = body_drafts(_body_text(data.get("body")).split("\n"))
    if not headline and drafts:
        raise ArticleFormatError("article JSON: 'headline' is empty")
    return assemble(
        headline,
        drafts,
        source_lang=_language(_optional_string(data, "lang")),
        standfirst=_optional_string(data, "standfirst"),
        byline=_optional_string(data, "byline"),
        dateline=_optional_string(data, "dateline"),
    )


def _body_text(body: Any) -> str:
    if body is None or isinstance(body, str):
        return body or ""
    if isinstance(body, list) and all(isinstance(item, str) for item in body):
        return "\n\n".join(body)  # one list entry, one paragraph
    raise ArticleFormatError("article JSON: 'body' must be a string or a list of strings")


def _required_string(data: dict[str, Any], key: str) -> str:
    if key not in data:
        raise ArticleFormatError(f"article JSON: {key!r} is required")
    return _optional_string(data, key) or ""


def _optional_string(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArticleFormatError(f"article JSON: {key!r} must be a string, not {_type_name(value)}")
    return normalize_space(value) or None


# -- our own schema --------------------------------------------------------------------------------


def _from_schema(data: dict[str, Any]) -> Article:
    try:
        article = Article.model_validate(data)
    except ValidationError as err:
        raise ArticleFormatError(_first_problem(err)) from None
    headline = normalize_space(article.headline)
    if not headline and article.blocks:
        raise ArticleFormatError("article JSON: 'headline' is empty")
    return Article(
        id=article.id if data.get("id") else "",  # else recomputed from the content as cleaned here
        source_lang=_language(article.source_lang),
        headline=headline,
        standfirst=article.standfirst,
        byline=article.byline,
        dateline=article.dateline,
        # a block with no words is left out (as the other readers leave out empty paragraphs)
        blocks=[
            _checked_block(index, block)
            for index, block in enumerate(b for b in article.blocks if plain_text(b.text).strip())
        ],
    )


def _checked_block(index: int, block: Block) -> Block:
    problems = markup_problems(block.text, block.marks)
    if problems:
        raise ArticleFormatError(f"article JSON: block {index + 1}: {problems[0]}")
    text, marks = block.text, dict(block.marks)
    for name, mark in block.marks.items():
        if mark.kind == "link" and mark.href is not None and safe_href(mark.href) is None:
            # Keep the words, drop a javascript:/data: target, as the HTML reader does.
            text = text.replace(f"<{name}>", "").replace(f"</{name}>", "")
            del marks[name]
    return block.model_copy(update={"id": block_id(index), "text": text, "marks": marks})


def _first_problem(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing":
        problem = f"{where!r} is required"
    elif first["type"] == "extra_forbidden":
        problem = f"unknown field {where!r}"
    else:
        problem = f"{where!r}: {normalize_space(first['msg'])}"
    more = err.error_count() - 1
    return f"article JSON: {problem}" + (f" (and {more} more)" if more else "")


def _language(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return get_language(code).code
    except UnknownLanguageError as err:
        raise ArticleFormatError(f"article JSON: {err}") from None


def _type_name(value: Any) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
