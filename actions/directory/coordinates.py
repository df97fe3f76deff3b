"""ETRS-TM35FIN (EPSG:3067) ↔ geographic coordinates, and distances between places.

PTV gives a location's coordinates as ETRS-TM35FIN northing and easting. The conversion is the
Krüger series of the public recommendation JHS 154 (GRS80, central meridian 27° E, scale 0.9996,
false easting 500 000 m), accurate to millimetres in Finland; checked in the tests against pyproj's
EPSG:3067 → EPSG:4326 for points all over Finland. ETRS89 and WGS84 differ by less than a metre
here, far below what "nearby" needs, so the result is used as WGS84.
"""

from __future__ import annotations

import math

_A = 6378137.0  # GRS80 semi-major axis
_F = 1 / 298.257222101
_K0 = 0.9996
_LON0 = math.radians(27.0)
_E0 = 500000.0

_N = _F / (2 - _F)
_A1 = _A / (1 + _N) * (1 + _N**2 / 4 + _N**4 / 64)
_ECC = math.sqrt(2 * _F - _F**2)
_FORWARD = (
    _N / 2 - 2 / 3 * _N**2 + 5 / 16 * _N**3 + 41 / 180 * _N**4,
    13 / 48 * _N**2 - 3 / 5 * _N**3 + 557 / 1440 * _N**4,
    61 / 240 * _N**3 - 103 / 140 * _N**4,
    49561 / 161280 * _N**4,
)
_INVERSE = (
    _N / 2 - 2 / 3 * _N**2 + 37 / 96 * _N**3 - 1 / 360 * _N**4,
    1 / 48 * _N**2 + 1 / 15 * _N**3 - 437 / 1440 * _N**4,
    17 / 480 * _N**3 - 37 / 840 * _N**4,
    4397 / 161280 * _N**4,
)
EARTH_RADIUS_KM = 6371.0088


def tm35fin_to_wgs84(northing: float, easting: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees of an ETRS-TM35FIN point."""
    xi = northing / (_A1 * _K0)
    eta = (easting - _E0) / (_A1 * _K0)
    xi_p, eta_p = xi, eta
    for order, h in enumerate(_INVERSE, start=1):
        xi_p -= h * math.sin(2 * order * xi) * math.cosh(2 * order * eta)
        eta_p -= h * math.cos(2 * order * xi) * math.sinh(2 * order * eta)
    beta = math.asin(math.sin(xi_p) / math.cosh(eta_p))
    lon = _LON0 + math.asin(math.tanh(eta_p) / math.cos(beta))
    q = math.asinh(math.tan(beta))
    q_p = q + _ECC * math.atanh(_ECC * math.tanh(q))
    for _ in range(10):
        q_p = q + _ECC * math.atanh(_ECC * math.tanh(q_p))
    return math.degrees(math.atan(math.sinh(q_p))), math.degrees(lon)


def wgs84_to_tm35fin(latitude: float, longitude: float) -> tuple[float, float]:
    """(northing, easting) in metres of a geographic point."""
    lat = math.radians(latitude)
    q = math.asinh(math.tan(lat)) - _ECC * math.atanh(_ECC * math.sin(lat))
    beta = math.atan(math.sinh(q))
    eta_p = math.atanh(math.cos(beta) * math.sin(math.radians(longitude) - _LON0))
    xi_p = math.asin(math.sin(beta) * math.cosh(eta_p))
    xi, eta = xi_p, eta_p
    for order, h in enumerate(_FORWARD, start=1):
        xi += h * math.sin(2 * order * xi_p) * math.cosh(2 * order * eta_p)
        eta += h * math.cos(2 * order * xi_p) * math.sinh(2 * order * eta_p)
    return _A1 * xi * _K0, _A1 * eta * _K0 + _E0


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
