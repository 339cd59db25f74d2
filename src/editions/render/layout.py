"""Block layout shared by every renderer: which list items belong together, heading levels."""

from __future__ import annotations

from collections.abc import Sequence

from editions.document import EditionBlock


def is_same_list(previous: EditionBlock | None, block: EditionBlock) -> bool:
    """Whether `block` continues the list `previous` belongs to (same kind of list, nothing between)."""
    return (
        previous is not None
        and previous.kind == "list_item"
        and block.kind == "list_item"
        and previous.ordered == block.ordered
    )


def item_numbers(blocks: Sequence[EditionBlock]) -> list[int]:
    """1-based position of each block inside its list (0 for blocks that are not list items)."""
    numbers: list[int] = []
    previous: EditionBlock | None = None
    for block in blocks:
        if block.kind != "list_item":
            numbers.append(0)
        elif is_same_list(previous, block):
            numbers.append(numbers[-1] + 1)
        else:
            numbers.append(1)
        previous = block
    return numbers


def item_prefix(block: EditionBlock, number: int) -> str:
    """`"- "` or `"3. "` for a list item; `""` for anything else."""
    if block.kind != "list_item":
        return ""
    return f"{number}. " if block.ordered else "- "


def group(blocks: Sequence[EditionBlock]) -> list[list[EditionBlock]]:
    """Blocks in runs: each list as one run of its items, every other block a run of one."""
    groups: list[list[EditionBlock]] = []
    previous: EditionBlock | None = None
    for block in blocks:
        if is_same_list(previous, block):
            groups[-1].append(block)
        else:
            groups.append([block])
        previous = block
    return groups


def heading_level(block: EditionBlock) -> int:
    """Body headings sit under the edition's own headline (level 1): levels 2 to 6."""
    return min(max(block.level or 2, 2), 6)
