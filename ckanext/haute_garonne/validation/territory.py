"""Where the places of a file may lie: bounding boxes of France, for the
plausibility of coordinates (``checks.Coordinates``).

Pure module: no CKAN import. The boxes are in decimal degrees (WGS 84), drawn
around the extreme points of each territory with a margin of about 0.15°
(a dozen kilometres): they catch gross mistakes (latitude and longitude
swapped, a point at 0,0, a point in another département), not a point a
little over a border. France here is metropolitan France (Corsica included)
and the five overseas départements, the territories of the communes of the
shipped COG list (``communes.txt``). Haute-Garonne has a box of its own: a
place of one of its communes must lie in it. The caller's territory is not
known here; the commune is read from the row (its INSEE code).
"""

from __future__ import annotations

from dataclasses import dataclass

from ckanext.haute_garonne.validation.i18n import N_


@dataclass(frozen=True)
class Box:
    place: str  # msgid: "in Haute-Garonne" (translated where used)
    south: float
    north: float
    west: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


METROPOLE = Box(N_("in metropolitan France"), 41.18, 51.25, -5.3, 9.7)
OVERSEAS = {
    "971": Box(N_("in Guadeloupe"), 15.7, 16.65, -61.95, -60.85),
    "972": Box(N_("in Martinique"), 14.25, 15.0, -61.35, -60.7),
    "973": Box(N_("in French Guiana"), 2.0, 5.9, -54.75, -51.45),
    "974": Box(N_("in Réunion"), -21.5, -20.75, 55.1, 55.95),
    "976": Box(N_("in Mayotte"), -13.1, -12.5, 44.85, 45.4),
}
HAUTE_GARONNE = Box(N_("in Haute-Garonne"), 42.55, 44.05, 0.3, 2.2)
# Départements with a box of their own (by the first two characters of the
# INSEE code of their communes).
DEPARTEMENTS = {"31": HAUTE_GARONNE}
FRANCE = (METROPOLE, *OVERSEAS.values())


def expected_boxes(insee: str) -> tuple[Box, ...]:
    """Where a place of the commune ``insee`` may lie: the box of its
    département when there is one (Haute-Garonne, an overseas département),
    metropolitan France for another metropolitan commune, anywhere in France
    when the code says nothing."""
    code = insee.strip()
    if len(code) != 5:
        return FRANCE
    if code.startswith("97"):
        box = OVERSEAS.get(code[:3])
        return (box,) if box else FRANCE
    box = DEPARTEMENTS.get(code[:2])
    if box is not None:
        return (box,)
    if code[:2].isdigit() or code[:2] in ("2A", "2B"):
        return (METROPOLE,)
    return FRANCE


def where(lat: float, lon: float, insee: str = "") -> tuple[str, Box | None] | None:
    """None when the point lies where the commune ``insee`` is (anywhere in
    France without a code); otherwise why not:

    - ("swapped", box): exchanged, latitude and longitude give a point there;
    - ("outside-france", None): the point is nowhere in France;
    - ("outside", box): the point is in France, but not in the commune's box.
    """
    expected = expected_boxes(insee)
    if any(box.contains(lat, lon) for box in expected):
        return None
    for box in (*expected, *FRANCE):
        if box.contains(lon, lat):
            return "swapped", box
    if not any(box.contains(lat, lon) for box in FRANCE):
        return "outside-france", None
    return "outside", expected[0]
