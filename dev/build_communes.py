"""Build the lists of INSEE commune codes used by the validation engine's
``commune-insee-value`` checks, in ckanext/haute_garonne/validation/:

- ``communes.txt``: the current codes, TYPECOM=COM (communes) and
  TYPECOM=ARM (municipal arrondissements of Paris, Lyon and Marseille, which
  the BAN uses as commune codes);
- ``communes_deleguees.txt``: the codes of the communes déléguées
  (TYPECOM=COMD) and associées (TYPECOM=COMA), which a BAL gives in
  ``commune_deleguee_insee`` (a commune déléguée often has the code of its
  commune nouvelle: it is then in both lists).

Input: the INSEE Code officiel géographique list of communes
(``communes.csv`` of datagouv/decoupage-administratif, columns
``TYPECOM,COM,...``).

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
FOLDER = ROOT / "ckanext" / "haute_garonne" / "validation"
# File name -> (TYPECOM kept, what the codes are)
TARGETS = {
    "communes.txt": ({"COM", "ARM"}, "Current INSEE commune codes"),
    "communes_deleguees.txt": (
        {"COMD", "COMA"},
        "INSEE codes of the communes déléguées and associées",
    ),
}


def build(source: Path, name: str, folder: Path = FOLDER) -> int:
    kept_types, what = TARGETS[name]
    by_prefix: dict[str, set[str]] = defaultdict(set)
    with source.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["TYPECOM"] not in kept_types:
                continue
            code = row["COM"].strip()
            if len(code) != 5:
                raise ValueError(f"unexpected INSEE code {code!r}")
            by_prefix[code[:2]].add(code[2:])
    lines = [
        f"# {what} (TYPECOM {', '.join(sorted(kept_types))}) "
        f"from {source.name}; built by dev/build_communes.py"
    ]
    for prefix in sorted(by_prefix):
        lines.append(" ".join([prefix, *sorted(by_prefix[prefix])]))
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(ends) for ends in by_prefix.values())


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    for target in TARGETS:
        count = build(path, target)
        print(f"{count} codes written to {(FOLDER / target).relative_to(ROOT)}")
