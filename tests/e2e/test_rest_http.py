"""The REST channel on the running server: closed without its token, open with it."""

from __future__ import annotations

import requests

from opastin.devstack import rest_headers


def test_rest_without_the_token_gets_403_and_no_answer(stack: dict[str, str]) -> None:
    url = f"{stack['base']}/webhooks/rest/webhook"
    refused = requests.post(url, json={"sender": "e2e-no-token", "message": "hei"}, timeout=30)
    assert refused.status_code == 403
    answered = requests.post(url, json={"sender": "e2e-token", "message": "hei"}, headers=rest_headers(), timeout=60)
    assert answered.status_code == 200 and answered.json()
