"""How long `make import-services` takes for a county-sized catalogue, full and incremental.

Serves a synthetic PTV catalogue (SERVICES services over the county's towns, each with a location
and a phone line) from the tests' fake PTV server on loopback, imports it into a fresh SQLite
directory, then runs an incremental import with CHANGED changed and REMOVED withdrawn services.
Prints seconds and rows; no internet. `python -m bench.import_speed [--services N]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from actions.directory.importer import import_services
from actions.directory.seed import ensure_seeded
from opastin import places
from tests.fakes.ptv_api import BASE, FakePtv
from tests.fakes.server import serving
from tests.ptv_items import location, service

PAGE = 100


def catalogue(count: int, county: str) -> FakePtv:
    fake = FakePtv(page_size=PAGE)
    towns = [m.code for m in places.municipalities_of(county)]
    for n in range(count):
        town = towns[n % len(towns)]
        sid, cid = f"00000000-0000-0000-0000-{n:012d}", f"10000000-0000-0000-0000-{n:012d}"
        fake.services[sid] = service(
            sid, names={"fi": f"Palvelu {n}", "sv": f"Tjänst {n}"}, municipalities=[town], channels=[cid]
        )
        fake.channels[cid] = location(
            cid,
            names={"fi": f"Toimipiste {n}"},
            street={"fi": "Katu"},
            number=str(n),
            postal_code="15100",
            municipality=town,
            post_office="LAHTI",
            phone=f"3 {n:07d}",
            northing=6761250 + n,
            easting=426500,
        )
    return fake


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--removed", type=int, default=10)
    args = parser.parse_args()
    fake = catalogue(args.services, "paijat-hame")
    with tempfile.TemporaryDirectory() as folder, serving(fake.app()) as base:
        url = f"sqlite:///{Path(folder) / 'directory.db'}"
        ensure_seeded(url)
        started = time.perf_counter()
        full = import_services(url, "paijat-hame", base + BASE)
        full_s = time.perf_counter() - started
        requests = len(fake.faults.requests)
        ids = list(fake.services)
        fake.changed = {
            "Service": {"Published": ids[: args.changed], "Withdrawn": ids[-args.removed :]},
            "ServiceChannel": {"Published": []},
        }
        started = time.perf_counter()
        incremental = import_services(url, "paijat-hame", base + BASE)
        incremental_s = time.perf_counter() - started
    print(f"full import:        {full_s:6.1f} s  {full.written} services, {requests} requests")
    print(
        f"incremental import: {incremental_s:6.1f} s  {incremental.written} written, {incremental.removed} removed, "
        f"{len(fake.faults.requests) - requests} requests"
    )


if __name__ == "__main__":
    main()
