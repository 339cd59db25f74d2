"""How each language writes dates, numbers, percentages and quotation marks.

The forms come from CLDR through Babel; a few newsroom conventions CLDR does not carry are small tables
beside the code that uses them (quotation marks, minimum grouping digits, the Vietnamese long date). The
engine is told the forms (`style_guide`), and the QA stage checks and repairs its output against the
source (`check_dates`, `fix_dates`, `fix_numbers`, `fix_typography`).

    numbers      format_number, format_percent; read_number (CLDR's symbols, or a caller's); fix_numbers
    dates        format_date; find_dates, same_date; check_dates, fix_dates (also English word order)
    weekdays     find_weekdays (CLDR names, relative days, times of day); check_weekdays, fix_weekdays
    currency     misplaced_amounts, fix_currency: the sign on the side CLDR puts it
    typography   fix_typography: quotation marks, and the spaces around punctuation (French rules)
    style        style_guide: the one line the engine is told
    spans        what the fixes share: the spaces, the spans never rewritten, rewriting spans
"""

from editions.localize.currency import fix_currency, misplaced_amounts
from editions.localize.dates import (
    DateMention,
    DateProblem,
    DateStyle,
    check_dates,
    find_dates,
    fix_dates,
    format_date,
    same_date,
)
from editions.localize.numbers import fix_numbers, format_number, format_percent, number_symbols, read_number
from editions.localize.style import style_guide
from editions.localize.typography import fix_typography, unquote_inline_quotes
from editions.localize.weekdays import WeekdayMention, check_weekdays, find_weekdays, fix_weekdays

__all__ = [
    "DateMention",
    "DateProblem",
    "DateStyle",
    "WeekdayMention",
    "check_dates",
    "check_weekdays",
    "find_dates",
    "find_weekdays",
    "fix_currency",
    "fix_dates",
    "fix_numbers",
    "fix_typography",
    "fix_weekdays",
    "format_date",
    "format_number",
    "format_percent",
    "misplaced_amounts",
    "number_symbols",
    "read_number",
    "same_date",
    "style_guide",
    "unquote_inline_quotes",
]
