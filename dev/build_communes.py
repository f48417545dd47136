"""Build ckanext/haute_garonne/validation/communes.txt, the list of current
INSEE commune codes used by the validation engine's ``commune-insee-value``
check.

Input: the INSEE Code officiel géographique list of communes
(``communes.csv`` of datagouv/decoupage-administratif, columns
``TYPECOM,COM,...``). Kept: TYPECOM=COM (communes) and TYPECOM=ARM (municipal
arrondissements of Paris, Lyon and Marseille, which the BAN uses as commune
codes); left out: COMD (communes déléguées) and COMA (communes associées).

Output: one line per two-character prefix (département, or 97 for the
overseas départements), then the three-character ends of the codes:
``31 001 002 003 …``.

Usage::

    python dev/build_communes.py [../shared/data/territory/communes.csv]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "territory" / "communes.csv"
TARGET = ROOT / "ckanext" / "haute_garonne" / "validation" / "communes.txt"
KEPT_TYPES = {"COM", "ARM"}


def build(source: Path, target: Path = TARGET) -> int:
    by_prefix: dict[str, set[str]] = defaultdict(set)
    with source.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["TYPECOM"] not in KEPT_TYPES:
                continue
            code = row["COM"].strip()
            if len(code) != 5:
                raise ValueError(f"unexpected INSEE code {code!r}")
            by_prefix[code[:2]].add(code[2:])
    lines = [
        f"# Current INSEE commune codes (TYPECOM {', '.join(sorted(KEPT_TYPES))}) "
        f"from {source.name}; built by dev/build_communes.py"
    ]
    for prefix in sorted(by_prefix):
        lines.append(" ".join([prefix, *sorted(by_prefix[prefix])]))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(ends) for ends in by_prefix.values())


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    count = build(path)
    print(f"{count} codes written to {TARGET.relative_to(ROOT)}")
