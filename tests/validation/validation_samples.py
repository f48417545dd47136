"""Sample rows and builders shared by the validation tests (not a test module).

The tests import it as ``validation_samples``: pytest puts the folder of the
test files on ``sys.path`` (rootdir mode, no ``__init__.py``).
"""

from __future__ import annotations

import csv
import io

# A valid SCDL subventions 2.1.1 row, by column, in the schema's order.
SUBVENTIONS = {
    "nomAttribuant": "Commune de Roques",
    "idAttribuant": "21310458100011",
    "dateConvention": "2024-04-11",
    "referenceDecision": "DEL-2024-013",
    "nomBeneficiaire": "Tennis Roques Olympic Club",
    "idBeneficiaire": "44137080600016",
    "rnaBeneficiaire": "",
    "objet": "Fonctionnement de l'école de tennis",
    "montant": "2400",
    "nature": "aide en numéraire",
    "conditionsVersement": "unique",
    "datesPeriodeVersement": "2024-05-15",
    "idRAE": "",
    "notificationUE": "non",
    "pourcentageSubvention": "1",
    "dispositifAide": "",
}
SUBVENTIONS_HEADER = list(SUBVENTIONS)

# A valid SCDL prénoms row.
PRENOMS_HEADER = [
    "COMMUNE_NOM",
    "COLL_INSEE",
    "ENFANT_SEXE",
    "ENFANT_PRENOM",
    "NOMBRE_OCCURRENCES",
    "ANNEE",
]
PRENOMS_ROW = ["Roques", "31458", "F", "Louise", "3", "2024"]

# The keys of ``Report.to_dict()`` (the JSON report).
REPORT_KEYS = (
    "valid",
    "status",
    "schema",
    "standard",
    "version",
    "schema_url",
    "encoding",
    "delimiter",
    "format",
    "rows",
    "errors",
    "error_counts",
    "truncated",
    "fatal",
    "hints",
)


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """CSV text of ``rows``, with CRLF line ends (as a spreadsheet writes)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
