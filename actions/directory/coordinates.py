"""ETRS-TM35FIN (EPSG:3067) ↔ geographic coordinates, and distances between places.

PTV gives a location's coordinates as ETRS-TM35FIN northing and easting. pyproj converts them (its
wheel carries PROJ and its database; this transformation needs no grid file, and PROJ's network is
kept off, so nothing is downloaded). ETRS89 and WGS84 differ by less than a metre here, far below what
"nearby" needs, so the result is used as WGS84.
"""

from __future__ import annotations

import math
from functools import cache

from pyproj import Transformer, network

EARTH_RADIUS_KM = 6371.0088
TM35FIN, GEOGRAPHIC = "EPSG:3067", "EPSG:4326"


@cache
def _transformer(source: str, target: str) -> Transformer:
    network.set_network_enabled(False)  # no run-time downloads of grids, ever
    return Transformer.from_crs(source, target, always_xy=True)


def tm35fin_to_wgs84(northing: float, easting: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees of an ETRS-TM35FIN point."""
    longitude, latitude = _transformer(TM35FIN, GEOGRAPHIC).transform(easting, northing)
    return latitude, longitude


def in_finland(latitude: float, longitude: float) -> bool:
    return 59.0 <= latitude <= 70.5 and 19.0 <= longitude <= 32.0


def to_wgs84(latitude: object, longitude: object) -> tuple[float, float] | None:
    """A PTV address's pair as (latitude, longitude): converted when it is TM35FIN (metres), kept
    when it is already degrees; None when missing, unreadable or outside Finland."""
    try:
        first, second = float(str(latitude).replace(",", ".")), float(str(longitude).replace(",", "."))
    except ValueError:
        return None
    if first > 1000 and second > 1000:  # metres: northing and easting
        first, second = tm35fin_to_wgs84(first, second)
    return (first, second) if in_finland(first, second) else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
