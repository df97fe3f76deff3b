"""Deployment settings of the action server, read from the environment."""

from __future__ import annotations

import os

from opastin import places

DEFAULT_COUNTY = "paijat-hame"


def home_county() -> str:
    """The county this deployment serves first (OPASTIN_COUNTY): its towns are the buttons offered."""
    county = os.environ.get("OPASTIN_COUNTY", DEFAULT_COUNTY)
    known = {m.county for m in places.all_municipalities() if m.county}
    if county not in known:
        raise ValueError(f"OPASTIN_COUNTY={county!r} is not one of {sorted(known)}")
    return county
