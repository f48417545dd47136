"""Base Adresse Locale (BAL): which version of the format a file follows.

Pure module: no CKAN import.
"""

from __future__ import annotations

from collections.abc import Iterable

BOM = "\ufeff"

# Columns common to every BAL version since 1.1: a header without them is not
# a BAL at all.
_CORE = frozenset({"numero", "commune_nom"})
# The street or place name: "voie_nom" up to 1.4, renamed "toponyme" in 1.5.
_NAME_UP_TO_1_4 = "voie_nom"
_NAME_FROM_1_5 = "toponyme"
# The BAN identifiers, one column each, introduced by 1.4 (optional there,
# id_ban_commune and id_ban_toponyme mandatory in 1.5).
_BAN_IDS = frozenset({"id_ban_commune", "id_ban_toponyme", "id_ban_adresse"})


def _normalise(header: Iterable[str]) -> set[str]:
    names = set()
    for index, name in enumerate(header):
        name = str(name)
        if index == 0:
            name = name.lstrip(BOM)
        names.add(name.strip().lower())
    return names


def detect_bal_version(header: list[str]) -> str | None:
    """The BAL version ("1.5" or "1.4") a CSV header follows, or None.

    The names are compared case-insensitively, without surrounding spaces and
    without the UTF-8 byte order mark that spreadsheets write before the first
    one. Only the set of names counts, not their order: checking the order and
    the complete list is the Table Schema's job; this only picks which schema
    to check the file against.

    What tells the versions apart (official schemas of etalab/schema-bal):

    - 1.5 renamed ``voie_nom`` (name of the street or place) to ``toponyme``,
      dropped ``cle_interop`` and made ``id_ban_commune``/``id_ban_toponyme``
      mandatory. ``toponyme`` exists in no earlier version, so a header with
      ``toponyme`` and without ``voie_nom`` is 1.5. ``cle_interop`` is not
      used against it: the BAN validator's own 1.5 test file still has that
      column, a leftover that the schema then reports.
    - 1.4 still has ``voie_nom`` and the mandatory ``cle_interop`` and added
      the three ``id_ban_*`` columns (optional values, but the columns are
      part of the format). 1.3 has exactly the same columns except that it
      has ``uid_adresse`` (the packed ``@a:… @v:… @c:…`` identifiers) in place
      of the ``id_ban_*`` ones. So a header with ``voie_nom`` and at least one
      ``id_ban_*`` column is 1.4.
    - Anything else is None: a 1.3 or older BAL (``voie_nom`` without any
      ``id_ban_*`` column, which may also be a 1.4 file whose ``id_ban_*``
      columns were deleted: the header alone cannot tell), a header with both
      ``voie_nom`` and ``toponyme``, or a header that lacks ``numero`` or
      ``commune_nom``, present in every BAL version (not a BAL at all).
    """
    names = _normalise(header)
    if not _CORE.issubset(names):
        return None
    has_new_name = _NAME_FROM_1_5 in names
    has_old_name = _NAME_UP_TO_1_4 in names
    if has_new_name and not has_old_name:
        return "1.5"
    if has_old_name and not has_new_name and names & _BAN_IDS:
        return "1.4"
    return None
