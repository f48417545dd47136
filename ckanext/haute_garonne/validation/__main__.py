"""Command line: check a file against a standard, without CKAN.

    python -m ckanext.haute_garonne.validation FILE --schema ID[@VERSION] \\
        [--json] [--max-errors N] [--lang LANG]

``ID`` is a registry name (``subventions``) or identifier
(``scdl/subventions``); ``@VERSION`` picks a version (``bal@1.4``), otherwise
the latest (for the BAL: the version the header follows). Prints a summary,
or the JSON report with ``--json``, in French unless ``--lang`` says
otherwise (``--lang en``: English). Exit status: 0 valid, 1 invalid, 2
unreadable file or unknown standard.

``main(argv)`` holds the whole logic so that a ``ckan haute-garonne
validate`` command can call it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ckanext.haute_garonne.validation.engine import validate
from ckanext.haute_garonne.validation.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    _,
    language,
    ngettext,
)
from ckanext.haute_garonne.validation.read import delimiter_label, encoding_label
from ckanext.haute_garonne.validation.report import Report, is_warning

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
SHOWN_ERRORS = 20

VERDICTS = {
    "valid": N_("VALID"),
    "invalid": N_("NOT VALID"),
    "error": N_("UNREADABLE"),
}


def exit_status(report: Report) -> int:
    if report.status == "valid":
        return EXIT_VALID
    if report.status == "invalid":
        return EXIT_INVALID
    return EXIT_ERROR


def summary(report: Report, name: str, shown: int = SHOWN_ERRORS) -> str:
    """A summary of a report for a terminal, in the current language."""
    errors = sum(n for t, n in report.error_counts.items() if not is_warning(t))
    warnings = sum(n for t, n in report.error_counts.items() if is_warning(t))
    lines = [_("File: {name}").format(name=name)]
    if report.standard:
        lines.append(
            _("Standard: {standard} ({schema}), version {version}").format(
                standard=report.standard,
                schema=report.schema,
                version=report.version or "?",
            )
        )
    verdict = VERDICTS.get(report.status)
    verdict = _(verdict) if verdict else report.status
    if report.status == "error":
        lines.append(_("Verdict: {verdict}").format(verdict=verdict))
        lines.append(f"  {report.fatal}")
    else:
        lines.append(
            _("Verdict: {verdict} — {errors}, {warnings}").format(
                verdict=verdict,
                errors=ngettext("{count} error", "{count} errors", errors).format(
                    count=errors
                ),
                warnings=ngettext(
                    "{count} warning", "{count} warnings", warnings
                ).format(count=warnings),
            )
        )
    details = []
    if report.format:
        details.append(_("format {format}").format(format=report.format.upper()))
    if report.encoding:
        details.append(
            _("encoding {encoding}").format(encoding=encoding_label(report.encoding))
        )
    if report.delimiter:
        details.append(
            _("separator {separator}").format(
                separator=delimiter_label(report.delimiter)
            )
        )
    if details:
        lines.append(_("Reading: {details}").format(details=", ".join(details)))
    if report.status != "error" or report.rows:
        lines.append(_("Data rows: {rows}").format(rows=report.rows))
    if report.error_counts:
        lines.append(_("Problems by type:"))
        for type_, count in sorted(
            report.error_counts.items(), key=lambda item: -item[1]
        ):
            if is_warning(type_):
                lines.append(
                    _("  {type} (warning): {count}").format(type=type_, count=count)
                )
            else:
                lines.append(_("  {type}: {count}").format(type=type_, count=count))
    if report.errors:
        total = sum(report.error_counts.values())
        lines.append(
            _("First problems ({shown} of {total}):").format(
                shown=min(shown, len(report.errors)), total=total
            )
        )
        for error in report.errors[:shown]:
            if error.row is not None and error.field:
                place = _("line {row}, column {column}").format(
                    row=error.row, column=error.field
                )
            elif error.row is not None:
                place = _("line {row}").format(row=error.row)
            elif error.field:
                place = _("column {column}").format(column=error.field)
            else:
                place = _("file")
            lines.append(
                _("  - [{type}] {place}: {message}").format(
                    type=error.type, place=place, message=error.message
                )
            )
    if report.hints:
        lines.append(_("Advice:"))
        lines.extend(f"  - {hint}" for hint in report.hints)
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the current language."""
    parser = argparse.ArgumentParser(
        prog="python -m ckanext.haute_garonne.validation",
        description=_(
            "Checks a file (CSV, XLSX, ODS or JSON) against a standard of the "
            "portal (SCDL, BAL, DECP)."
        ),
    )
    parser.add_argument("file", help=_("the file to check"))
    parser.add_argument(
        "--schema",
        required=True,
        help=_(
            "the standard: name (subventions) or identifier (scdl/subventions), "
            "optionally followed by @version (bal@1.4)"
        ),
    )
    parser.add_argument("--json", action="store_true", help=_("prints the JSON report"))
    parser.add_argument(
        "--max-errors",
        type=int,
        default=1000,
        help=_("how many errors are detailed at most (all are counted)"),
    )
    parser.add_argument(
        "--lang",
        default=DEFAULT_LANGUAGE,
        help=_("the language of the messages: fr (the default) or en"),
    )
    return parser


def _language_of(argv: list[str]) -> str:
    """The --lang of the command line, read first so that the help is in it."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", default=DEFAULT_LANGUAGE)
    known, _rest = pre.parse_known_args(argv)
    return known.lang or DEFAULT_LANGUAGE


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(argv) if argv is not None else sys.argv[1:]
    with language(_language_of(arguments)):
        args = build_parser().parse_args(arguments)
        standard, _at, version = args.schema.partition("@")
        report = validate(
            args.file,
            standard.strip(),
            version.strip() or None,
            max_errors=args.max_errors,
        )
        if args.json:
            print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(summary(report, args.file))
    return exit_status(report)


if __name__ == "__main__":
    sys.exit(main())
