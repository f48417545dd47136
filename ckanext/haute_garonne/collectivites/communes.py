"""The names of the département's communes, by INSEE code, from the shipped
list of collectivités (``data/collectivites-31.csv``).

Pure: no CKAN import. Read once.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

__all__ = ["commune_names"]

SHIPPED_FILE = Path(__file__).resolve().parents[1] / "data" / "collectivites-31.csv"


@cache
def commune_names() -> dict[str, str]:
    """INSEE code -> name of each commune of the shipped list."""
    with SHIPPED_FILE.open(encoding="utf-8", newline="") as f:
        return {
            row["insee"].strip(): row["title"].strip()
            for row in csv.DictReader(f)
            if row.get("kind") == "commune" and row.get("insee", "").strip()
        }
