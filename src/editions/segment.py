"""An article as the list of segments an engine translates."""

from __future__ import annotations

from dataclasses import dataclass, field

from editions.document import Article, Mark, SegmentKind


@dataclass(frozen=True)
class Segment:
    id: str  # "headline", "standfirst", "dateline" or the block id
    kind: SegmentKind
    text: str
    marks: dict[str, Mark] = field(default_factory=dict)


def segments(article: Article) -> list[Segment]:
    """Headline first, then standfirst and dateline, then the body blocks in order."""
    out = [Segment("headline", "headline", article.headline)]
    if article.standfirst:
        out.append(Segment("standfirst", "standfirst", article.standfirst))
    if article.dateline:
        out.append(Segment("dateline", "dateline", article.dateline))
    out += [Segment(block.id, block.kind, block.text, dict(block.marks)) for block in article.blocks]
    return out
