"""The arithmetic of a quote or an invoice: each rule stated once, here.

A line's amount is its quantity times its unit price, rounded to the cent, less its
discount. Tax is reckoned per rate on the sum of the lines at that rate, never line by
line, and rounded once, half up (the rule of the European e-invoicing norm EN 16931: a
category's tax is its taxable amount times its rate, rounded): so a document's tax by rate
is exactly what its lines at that rate make, and the total is exactly the subtotal plus the
tax.

- With prices **without tax** (the business default), the lines' amounts at a rate are
  its taxable base, and the tax is ``base * rate / 100``, rounded.
- With prices **including tax**, the lines' amounts at a rate are what the customer pays
  at that rate; the base is ``gross * 100 / (100 + rate)``, rounded, and the tax is what
  is left, so that base plus tax is the gross to the cent.

>>> from decimal import Decimal as D
>>> t = totals([(D("10.00"), D("20")), (D("0.05"), D("20")), (D("9.99"), D("5"))], False)
>>> t.subtotal, t.tax, t.total
(Decimal('20.04'), Decimal('2.51'), Decimal('22.55'))
>>> for r in t.by_rate:
...     print(r.rate, r.base, r.tax)
20 10.05 2.01
5 9.99 0.50
>>> totals([(D("12.00"), D("20"))], True).by_rate[0].base
Decimal('10.00')
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import attrs

from jobtrack_core.money import CENT, ZERO

_HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half up: the one rounding a document uses."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP) + 0  # + 0: never -0


def line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    """What a line bills: quantity times unit price, rounded to the cent, less its discount."""
    return cents(quantity * unit_price) - discount


@attrs.frozen
class RateTotal:
    """The lines of a document at one tax rate (in percent): their taxable base and tax."""

    rate: Decimal
    base: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.base + self.tax


@attrs.frozen
class Totals:
    """A document's figures: ``subtotal`` before tax, ``tax``, ``total``, and the tax by
    rate (highest rate first)."""

    subtotal: Decimal
    tax: Decimal
    total: Decimal
    by_rate: tuple[RateTotal, ...]


def rate_total(rate: Decimal, amounts: Decimal, prices_include_tax: bool) -> RateTotal:
    """The base and tax of the lines at ``rate`` whose amounts add up to ``amounts``."""
    if prices_include_tax:
        base = cents(amounts * _HUNDRED / (_HUNDRED + rate))
        return RateTotal(rate, base, amounts - base)
    return RateTotal(rate, amounts, cents(amounts * rate / _HUNDRED))


def totals(lines: Iterable[tuple[Decimal, Decimal]], prices_include_tax: bool) -> Totals:
    """The figures of a document from its lines, each given as ``(amount, tax rate)``
    (:func:`line_amount`, percent)."""
    at: dict[Decimal, Decimal] = {}
    for amount, rate in lines:
        at[rate] = at.get(rate, ZERO) + amount
    by_rate = tuple(
        rate_total(rate, amount, prices_include_tax)
        for rate, amount in sorted(at.items(), reverse=True)
    )
    subtotal = sum((r.base for r in by_rate), ZERO)
    tax = sum((r.tax for r in by_rate), ZERO)
    return Totals(subtotal, tax, subtotal + tax, by_rate)


__all__ = ["RateTotal", "Totals", "cents", "line_amount", "rate_total", "totals"]
