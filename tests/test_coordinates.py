"""ETRS-TM35FIN → WGS84 as a map would need it, and distances for "nearby"."""

import pytest

from actions.directory.coordinates import distance_km, tm35fin_to_wgs84, to_wgs84

# (northing, easting) → (latitude, longitude) for EPSG:3067 → EPSG:4326, computed twice independently (pyproj
# 3.7.1 and the Krüger series of JHS 154), agreeing to 1e-7°; they catch swapped axes or a wrong zone:
# points from the south coast to Lapland and from Åland to the eastern border.
REFERENCE = [
    ((6761250, 426500), (60.9793584, 25.6418629)),
    ((6672000, 385800), (60.1688906, 24.9418645)),
    ((6823500, 225000), (61.4472895, 21.8390195)),
    ((7610000, 440000), (68.5956980, 25.5266845)),
    ((6950000, 680000), (62.6365827, 30.5113284)),
    ((6700000, 100000), (60.2390819, 19.7667140)),
]


@pytest.mark.parametrize("projected, geographic", REFERENCE)
def test_tm35fin_converts_to_the_reference_latitude_and_longitude(projected, geographic) -> None:
    latitude, longitude = tm35fin_to_wgs84(*projected)
    assert latitude == pytest.approx(geographic[0], abs=1e-7)
    assert longitude == pytest.approx(geographic[1], abs=1e-7)


def test_ptv_pairs_are_read_whatever_their_form() -> None:
    assert to_wgs84("6761250", "426500") == pytest.approx((60.9793584, 25.6418629), abs=1e-7)
    assert to_wgs84("60.98", "25.66") == (60.98, 25.66)  # already degrees
    assert to_wgs84(None, None) is None
    assert to_wgs84("", "426500") is None
    assert to_wgs84("0", "0") is None  # PTV's "no coordinates"
    assert to_wgs84("48.85", "2.35") is None  # not in Finland


def test_distance_between_towns() -> None:
    lahti, heinola = (60.9827, 25.6615), (61.2050, 26.0381)
    # pyproj's geodesic on the WGS84 ellipsoid gives 32.04 km; a sphere is within 0.5 % of that.
    assert distance_km(lahti, heinola) == pytest.approx(32.04, rel=0.005)
    assert distance_km(lahti, lahti) == 0
