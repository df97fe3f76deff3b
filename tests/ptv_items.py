"""PTV v11 items for the importer's tests, in the API's own JSON shape (values invented)."""

from __future__ import annotations

from typing import Any


def texts(kind: str | None = None, **values: str) -> list[dict[str, str]]:
    return [{"language": lang, "value": value, **({"type": kind} if kind else {})} for lang, value in values.items()]


def service(
    sid: str,
    *,
    names: dict[str, str],
    municipalities: list[str],
    channels: list[str] = (),  # type: ignore[assignment]
    status: str = "Published",
    classes: list[str] = (),  # type: ignore[assignment]
    summary: dict[str, str] | None = None,
    keywords: dict[str, list[str]] | None = None,
    nationwide: bool = False,
) -> dict[str, Any]:
    return {
        "id": sid,
        "type": "Service",
        "fundingType": "PubliclyFunded",
        "serviceChargeType": "Chargeable",
        "serviceNames": texts("Name", **names),
        "serviceDescriptions": texts("Summary", **(summary or {})),
        "languages": list(names),
        "keywords": [{"language": lang, "value": w} for lang, words in (keywords or {}).items() for w in words],
        "areaType": "Nationwide" if nationwide else "LimitedType",
        "areas": [{"type": "Municipality", "code": code, "name": texts(fi=code)} for code in municipalities],
        "serviceClasses": [
            {"uri": f"http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/{c}", "code": c} for c in classes
        ],
        "ontologyTerms": [],
        "targetGroups": [],
        "serviceChannels": [{"serviceChannel": {"id": cid, "name": cid}} for cid in channels],
        "organizations": [
            {"organization": {"id": "org-phhyky", "name": "Päijät-Hämeen hyvinvointialue"}, "roleType": "Responsible"}
        ],
        "publishingStatus": status,
        "modified": "2026-11-30T10:00:00",
    }


def location(
    cid: str,
    *,
    names: dict[str, str],
    street: dict[str, str],
    number: str,
    postal_code: str,
    municipality: str,
    post_office: str,
    phone: str | None = None,
    northing: float | None = None,
    easting: float | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    return {
        "id": cid,
        "serviceChannelType": "ServiceLocation",
        "organizationId": "org-phhyky",
        "serviceChannelNames": texts("Name", **names),
        "serviceChannelDescriptions": [],
        "languages": list(names),
        "phoneNumbers": (
            [
                {
                    "type": "Phone",
                    "prefixNumber": "+358",
                    "number": phone,
                    "isFinnishServiceNumber": False,
                    "serviceChargeType": "Chargeable",
                    "additionalInformation": "",
                    "language": lang,
                }
                for lang in names
            ]
            if phone
            else []
        ),
        "emails": [],
        "webPages": [{"url": url, "value": url, "language": "fi"}] if url else [],
        "addresses": [
            {
                "type": "Location",
                "subType": "Single",
                "streetAddress": {
                    "street": texts(**street),
                    "streetNumber": number,
                    "postalCode": postal_code,
                    "postOffice": texts(fi=post_office),
                    "municipality": {"code": municipality, "name": texts(fi=municipality)},
                    "latitude": str(northing) if northing else None,
                    "longitude": str(easting) if easting else None,
                },
            }
        ],
        "serviceHours": [
            {
                "serviceHourType": "DaysOfTheWeek",
                "validFrom": None,
                "validTo": None,
                "isClosed": False,
                "isAlwaysOpen": False,
                "openingHour": [{"dayFrom": "Monday", "dayTo": "Friday", "from": "08:00:00", "to": "15:30:00"}],
            },
            {
                "serviceHourType": "Exceptional",
                "validFrom": "2026-12-24T00:00:00",
                "validTo": None,
                "isClosed": True,
                "openingHour": [],
            },
        ],
        "services": [],
    }


def web_page(cid: str, url: str) -> dict[str, Any]:
    return {
        "id": cid,
        "serviceChannelType": "WebPage",
        "organizationId": "org-phhyky",
        "serviceChannelNames": texts("Name", fi=f"Verkkosivu {cid}"),
        "webPages": [{"url": url, "value": url, "language": "fi"}],
    }
