"""The département's communes, by INSEE code, from the shipped list of
collectivités (``data/collectivites-31.csv``): their names for pages, their
whole lines for onboarding.

Pure: no CKAN import. Read once.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

__all__ = ["SHIPPED_FILE", "commune_names", "shipped_communes"]

SHIPPED_FILE = Path(__file__).resolve().parents[1] / "data" / "collectivites-31.csv"


@cache
def shipped_communes() -> dict[str, dict[str, str]]:
    """INSEE code -> line (SIREN, name, EPCI…) of each commune of the
    shipped list."""
    with SHIPPED_FILE.open(encoding="utf-8", newline="") as f:
        return {
            row["insee"].strip(): row
            for row in csv.DictReader(f)
            if row.get("kind") == "commune" and (row.get("insee") or "").strip()
        }


@cache
def commune_names() -> dict[str, str]:
    """INSEE code -> name of each commune of the shipped list."""
    return {code: row["title"].strip() for code, row in shipped_communes().items()}
