"""Command line: check a file against a standard, without CKAN.

    python -m ckanext.haute_garonne.validation FILE --schema ID[@VERSION] \\
        [--json] [--max-errors N]

``ID`` is a registry name (``subventions``) or identifier
(``scdl/subventions``); ``@VERSION`` picks a version (``bal@1.4``), otherwise
the latest (for the BAL: the version the header follows). Prints a French
summary, or the JSON report with ``--json``. Exit status: 0 valid, 1 invalid,
2 unreadable file or unknown standard.

``main(argv)`` holds the whole logic so that a ``ckan haute-garonne
validate`` command can call it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ckanext.haute_garonne.validation.engine import validate
from ckanext.haute_garonne.validation.read import DELIMITER_LABELS, ENCODING_LABELS
from ckanext.haute_garonne.validation.report import Report, is_warning

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
SHOWN_ERRORS = 20

VERDICTS = {
    "valid": "CONFORME",
    "invalid": "NON CONFORME",
    "error": "ILLISIBLE",
}


def exit_status(report: Report) -> int:
    if report.status == "valid":
        return EXIT_VALID
    if report.status == "invalid":
        return EXIT_INVALID
    return EXIT_ERROR


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def summary(report: Report, name: str, shown: int = SHOWN_ERRORS) -> str:
    """A French summary of a report, for a terminal."""
    errors = sum(n for t, n in report.error_counts.items() if not is_warning(t))
    warnings = sum(n for t, n in report.error_counts.items() if is_warning(t))
    lines = [f"Fichier : {name}"]
    if report.standard:
        lines.append(
            f"Standard : {report.standard} ({report.schema}), version {report.version or '?'}"
        )
    verdict = VERDICTS.get(report.status, report.status)
    if report.status == "error":
        lines.append(f"Verdict : {verdict}")
        lines.append(f"  {report.fatal}")
    else:
        lines.append(
            f"Verdict : {verdict} — {_plural(errors, 'erreur')}, "
            f"{_plural(warnings, 'avertissement')}"
        )
    details = []
    if report.format:
        details.append(f"format {report.format.upper()}")
    if report.encoding:
        details.append(
            f"encodage {ENCODING_LABELS.get(report.encoding, report.encoding)}"
        )
    if report.delimiter:
        details.append(
            f"séparateur {DELIMITER_LABELS.get(report.delimiter, report.delimiter)}"
        )
    if details:
        lines.append("Lecture : " + ", ".join(details))
    if report.status != "error" or report.rows:
        lines.append(f"Lignes de données : {report.rows}")
    if report.error_counts:
        lines.append("Problèmes par type :")
        for type_, count in sorted(
            report.error_counts.items(), key=lambda item: -item[1]
        ):
            kind = " (avertissement)" if is_warning(type_) else ""
            lines.append(f"  {type_}{kind} : {count}")
    if report.errors:
        total = sum(report.error_counts.values())
        lines.append(
            f"Premiers problèmes ({min(shown, len(report.errors))} sur {total}) :"
        )
        for error in report.errors[:shown]:
            where = []
            if error.row is not None:
                where.append(f"ligne {error.row}")
            if error.field:
                where.append(f"colonne {error.field}")
            place = ", ".join(where) or "fichier"
            lines.append(f"  - [{error.type}] {place} : {error.message}")
    if report.hints:
        lines.append("Conseils :")
        lines.extend(f"  - {hint}" for hint in report.hints)
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ckanext.haute_garonne.validation",
        description="Vérifie un fichier (CSV, XLSX, ODS ou JSON) selon un standard "
        "du portail (SCDL, BAL, DECP).",
    )
    parser.add_argument("file", help="le fichier à vérifier")
    parser.add_argument(
        "--schema",
        required=True,
        help="le standard : nom (subventions) ou identifiant (scdl/subventions), "
        "éventuellement suivi de @version (bal@1.4)",
    )
    parser.add_argument("--json", action="store_true", help="affiche le rapport JSON")
    parser.add_argument(
        "--max-errors",
        type=int,
        default=1000,
        help="nombre d'erreurs détaillées au plus (toutes sont comptées)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    standard, _, version = args.schema.partition("@")
    report = validate(
        args.file, standard.strip(), version.strip() or None, max_errors=args.max_errors
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(summary(report, args.file))
    return exit_status(report)


if __name__ == "__main__":
    sys.exit(main())
