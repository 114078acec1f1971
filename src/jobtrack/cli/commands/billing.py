"""``jobtrack billing ...``: how the business bills: currency, prices with or without
tax, tax rates, document numbers, payment terms, and what documents show of it."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from jobtrack.cli.context import Context, UsageError
from jobtrack.cli.documents import document_data, percent, settings_fields
from jobtrack.cli.options import _whole
from jobtrack.cli.output import write, write_json
from jobtrack.cli.parser import command, group
from jobtrack_core.documents import BillingSettings, TaxRate
from jobtrack_core.errors import NotFoundError

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers

#: The settings ``billing set`` changes, each with its option's help. Numbering formats
#: take ``{year}`` and ``{number}`` (``{number:04d}``: four digits, zero-padded).
_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("currency", "CODE", "the currency of new documents, an ISO 4217 code (USD, EUR, GBP)"),
    ("invoice_format", "FORMAT", "invoice numbers, e.g. 'INV-{year}-{number:04d}'"),
    ("quote_format", "FORMAT", "quote numbers, e.g. 'Q-{year}-{number:04d}'"),
    ("credit_note_format", "FORMAT", "credit note numbers, e.g. 'CN-{year}-{number:04d}'"),
    ("address", "TEXT", "the business's address as documents show it"),
    ("phone", "TEXT", "the business's phone number as documents show it"),
    ("email", "EMAIL", "the business's email as documents show it"),
    ("tax_id", "TEXT", "the business's tax (VAT) number"),
    ("payment_instructions", "TEXT", "how to pay, printed on invoices (bank account...)"),
    ("default_tax", "NAME", "the tax rate lines get when they name none"),
)
_DAYS = (
    ("payment_terms_days", "an invoice is due N days after it is issued"),
    ("quote_valid_days", "a quote is valid N days after it is sent"),
)


def show(ctx: Context, args: argparse.Namespace) -> None:
    settings = ctx.workspace().billing_settings()
    if ctx.json:
        write_json(document_data(settings))
        return
    write(settings_fields(settings))


def set_(ctx: Context, args: argparse.Namespace) -> None:
    changes: dict[str, Any] = {}
    for name, _, _ in _SETTINGS:
        value = getattr(args, name)
        if value is not None:
            changes[name] = value.strip() or None
    for name, _ in _DAYS:
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.prices_include_tax is not None:
        changes["prices_include_tax"] = args.prices_include_tax
    if not changes:
        options = ", ".join(f"--{n.replace('_', '-')}" for n, *_ in (*_SETTINGS, *_DAYS))
        raise UsageError(
            f"nothing to change: give at least one of {options}, --prices-include-tax, "
            "--prices-exclude-tax"
        )
    _print(ctx, ctx.workspace().update_billing(**changes))


def _print(ctx: Context, settings: BillingSettings, done: str | None = None) -> None:
    if ctx.json:
        write_json(document_data(settings))
    elif done:
        write(done)
    else:
        write(settings_fields(settings))


def tax_rate_add(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    settings = workspace.billing_settings()
    name = args.name.strip()
    rate = TaxRate.parse({"name": name, "rate": args.rate})
    rates = [r for r in settings.tax_rates if r.name != rate.name]
    replaced = len(rates) != len(settings.tax_rates)
    changes: dict[str, Any] = {"tax_rates": [*rates, rate]}
    if args.default:
        changes["default_tax"] = rate.name
    saved = workspace.update_billing(**changes)
    verb = "Changed" if replaced else "Added"
    default = " (the default)" if saved.default_tax == rate.name else ""
    _print(ctx, saved, f"{verb} tax rate {rate.name} {percent(rate.rate)}{default}.")


def tax_rate_remove(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    settings = workspace.billing_settings()
    name = args.name.strip()
    rates = [r for r in settings.tax_rates if r.name != name]
    if len(rates) == len(settings.tax_rates):
        raise NotFoundError("tax rate", name)
    changes: dict[str, Any] = {"tax_rates": rates}
    if settings.default_tax == name:
        changes["default_tax"] = None
    saved = workspace.update_billing(**changes)
    also = "; lines now get no tax unless they name one" if "default_tax" in changes else ""
    _print(ctx, saved, f"Removed tax rate {name}{also}. Documents made with it keep it.")


# -- the parser -------------------------------------------------------------------
def register(subparsers: Subparsers) -> None:
    """``jobtrack billing ...``."""
    billing = group(
        subparsers,
        "billing",
        help="show and set how you bill: currency, tax rates, numbers, terms",
        description=(
            "How the business bills: the currency and whether prices include tax, the\n"
            "tax rates, how quotes, invoices and credit notes are numbered, the payment\n"
            "terms, how long quotes are valid, and what documents show of the business.\n"
            "Each document keeps the currency and price mode it was made with."
        ),
    )
    command(billing, "show", show, help="show the billing settings", json=True)

    parser = command(
        billing,
        "set",
        set_,
        help="change billing settings",
        description=(
            "Change some billing settings; an empty value clears an optional one.\n"
            "Numbering formats take {year} and {number} ({number:04d}: 4 digits);\n"
            "numbers restart each year when the format shows the year."
        ),
        epilog=(
            "Examples:\n"
            "  jobtrack billing set --currency EUR --prices-include-tax --payment-terms-days 14\n"
            "  jobtrack billing set --invoice-format 'F{year}-{number:05d}' --tax-id DE123456789"
        ),
        json=True,
    )
    for name, metavar, text in _SETTINGS:
        parser.add_argument(f"--{name.replace('_', '-')}", metavar=metavar, help=text)
    for name, text in _DAYS:
        parser.add_argument(f"--{name.replace('_', '-')}", metavar="N", type=_whole, help=text)
    prices = parser.add_mutually_exclusive_group()
    prices.add_argument(
        "--prices-include-tax",
        dest="prices_include_tax",
        action="store_const",
        const=True,
        help="prices are what the customer pays, tax included",
    )
    prices.add_argument(
        "--prices-exclude-tax",
        dest="prices_include_tax",
        action="store_const",
        const=False,
        help="prices are before tax, added on top (the default)",
    )

    rates = group(billing, "tax-rate", help="add, change or remove a tax rate")
    parser = command(
        rates,
        "add",
        tax_rate_add,
        help="add a tax rate, or change the rate of one",
        epilog="Examples:\n  jobtrack billing tax-rate add VAT 20 --default\n"
        "  jobtrack billing tax-rate add reduced 5.5",
        json=True,
    )
    parser.add_argument("name", metavar="NAME", help="its name, as lines name it (VAT)")
    parser.add_argument("rate", metavar="RATE", help="the percent, e.g. 20 or 5.5")
    parser.add_argument(
        "--default", action="store_true", help="lines that name no tax rate get this one"
    )
    parser = command(
        rates,
        "remove",
        tax_rate_remove,
        help="remove a tax rate (documents made with it keep it)",
        json=True,
    )
    parser.add_argument("name", metavar="NAME", help="the tax rate's name")
