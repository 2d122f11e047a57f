"""The beslutsförslag's split per budget year as tables narrow enough for their amounts.

A column per budget year and one for the total, a row per financier: a period of five budget
years or more made columns too narrow for "1 000 000", which LibreOffice then broke inside the
cell ("1 000 00" and "0" on the next line). However long the period, the years are split over
as many tables as needed, each as wide as the page, with as many columns as the widest amount
in it leaves room for (the last table also gives the total); the years are spread evenly, so
that no table is left with one year.

The room is reckoned from the table the template that comes with avtalsgen has: a first column
of 6 cm and columns of 2.5 cm per amount, scaled together to the page's width of 16 cm when
there are more of them (see :func:`avtalsgen.documents.render.fit_dynamic_columns`), 0.19 cm
cell margins on each side, and amounts in 12 pt Times New Roman (Liberation Serif), whose
digits are half an em wide and spaces a quarter. A cell of the five a table of 2.5 cm columns
has room for holds "9 999 999", not "19 999 999" (LibreOffice broke it into "19 999 99" and
"9").
"""

from __future__ import annotations

from dataclasses import dataclass

from avtalsgen.documents import format as fmt
from avtalsgen.model.money import Berakning

#: The template's table, in twentieths of a point (Word's twips): its first column, each
#: amount's column as the template asks for it, the width they are scaled to together, and
#: the cell margins of a column (left and right).
FIRST_COLUMN, AMOUNT_COLUMN, TABLE_WIDTH, CELL_MARGINS = 3402, 1417, 9070, 216
#: An em of the table's 12 pt type, in twips, and the room left beside the widest amount so
#: that rounding in the layout does not break it.
EM, SLACK = 240, 40
#: The most columns of amounts a table has, the total's included, however small the amounts.
MOST_COLUMNS = 5
#: The column that gives each financier's total, in the last table.
TOTALT = "Totalt"


@dataclass(frozen=True)
class BudgetRad:
    """A financier's row of one table: its name and an amount for each of the table's
    columns."""

    namn: str
    belopp: tuple[int, ...]


@dataclass(frozen=True)
class Budgettabell:
    """One table of the split per budget year: some of the years (the last table: the rest
    and ``Totalt``), a row per financier, and the sums of the columns."""

    kolumner: tuple[str, ...]
    """The columns' headings: the years (``2025``), and ``Totalt`` in the last table."""
    finansiarer: tuple[BudgetRad, ...]
    totalt: tuple[int, ...]
    """The sum of each column, in the row ``Totalt``."""


def amount_width(value: int) -> int:
    """How wide ``value`` is printed in the table, in twips (digits half an em, the
    no-break spaces between their groups a quarter)."""
    printed = fmt.belopp(value)
    digits = sum(ch.isdigit() for ch in printed)
    return (digits * EM + (len(printed) - digits) * EM // 2) // 2


def columns_that_fit(widest: int) -> int:
    """How many columns of amounts a table may have (at least one) when the widest amount
    in it is ``widest`` twips wide: each column, scaled with the others to the page's width,
    must hold it beside its margins."""
    for count in range(MOST_COLUMNS, 1, -1):
        column = AMOUNT_COLUMN * TABLE_WIDTH / (FIRST_COLUMN + AMOUNT_COLUMN * count)
        if column - CELL_MARGINS >= widest + SLACK:
            return count
    return 1


def budget_tables(figures: Berakning) -> tuple[Budgettabell, ...]:
    """The split per budget year of ``figures`` as tables, the years spread evenly over as
    few as hold them without breaking an amount."""
    years = [str(year.ar) for year in figures.budgetar]
    headings = [*years, TOTALT]
    rows = [(row.namn, (*row.per_budgetar, row.summa)) for row in figures.finansiarer]
    sums = (*(year.belopp for year in figures.budgetar), figures.summa)
    widest = max(amount_width(value) for value in (*sums, *(v for _, r in rows for v in r)))
    per_table = columns_that_fit(widest)
    count = -(-len(headings) // per_table)
    tables = []
    start = 0
    for index in range(count):
        size = len(headings) // count + (1 if index < len(headings) % count else 0)
        part = slice(start, start + size)
        start += size
        tables.append(
            Budgettabell(
                kolumner=tuple(headings[part]),
                finansiarer=tuple(BudgetRad(namn, amounts[part]) for namn, amounts in rows),
                totalt=sums[part],
            )
        )
    return tuple(tables)
