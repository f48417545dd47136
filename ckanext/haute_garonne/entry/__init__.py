"""Entry: "Saisie en ligne", SCDL rows typed in web forms, on CKAN's Table
Designer (the DataStore as the store).

- ``fields``: the pure mapping from our Table Schema of a standard version to
  the Table Designer's fields (names and order as the standard's, French
  titles and descriptions, types, required, pattern, minimum and maximum,
  maximum length, enumerations as choices), and the identity of the
  collectivité pre-filled in a new row;
- ``rows``: the check of rows on save with the validation engine, so that a
  value is refused with the same French message as in a file (pure);
- ``column_types``: our Table Designer column types and constraints (SIRET,
  SIREN, INSEE commune code, ACTES matière code, date period; a pattern and a
  maximum length that leave an empty optional cell alone), registered through
  ``IColumnTypes``/``IColumnConstraints`` (CKAN side);
- ``service``: creating an online table for an SCDL dataset and checking rows
  before ``datastore_upsert`` stores them (CKAN side);
- ``publish``: the published file of a table, an exact SCDL CSV made from its
  rows by a job when they change (CKAN's ``action_succeeded`` signal),
  validated and stored like an uploaded file, served at a stable URL;
- ``importing``: adding the rows of a checked spreadsheet (CSV, XLSX, ODS).

``fields`` and ``rows`` import no CKAN. Only ``publish`` and ``importing``
import ``uploads`` (its file store, sandboxed run and report store, reused
rather than duplicated). The room never imports ``socle`` nor the adapters (``logic``, ``views``, ``helpers``,
``implementations``).
"""
