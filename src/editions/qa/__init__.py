"""Checks on a translated block: what an editor must look at before publishing, and what was fixed."""

from editions.qa.checks import CHECKS, ENGINE_FIXABLE, BlockPair, QaContext, check_block
from editions.qa.markup import repair_markup
from editions.qa.repair import repair_block

__all__ = [
    "CHECKS",
    "ENGINE_FIXABLE",
    "BlockPair",
    "QaContext",
    "check_block",
    "repair_block",
    "repair_markup",
]
