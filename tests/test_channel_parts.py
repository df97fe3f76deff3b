"""The Telegram and SMS channels' parts that need no Rasa: signatures, ids, settings, buttons, the API client."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from opastin.channels import telegram_webhook
from opastin.channels.api_client import ApiClient, retry_after_seconds
from opastin.channels.config import ChannelSettingError
from opastin.channels.pseudonyms import Pseudonyms
from opastin.channels.sms import SmsSettings
from opastin.channels.telegram import TelegramSettings
from opastin.channels.telegram_api import TelegramApi
from opastin.channels.telegram_text import ButtonPayloads, title_of
from opastin.channels.twilio_api import signature, valid_signature
from tests.fakes.server import serving
from tests.fakes.telegram_api import FakeTelegram

KEY = "k" * 40
SMS_VARIABLES = ("ACCOUNT_SID", "AUTH_TOKEN", "FROM", "WEBHOOK_URL", "API", "MAX_SEGMENTS")


def test_the_signature_is_twilios_own_example() -> None:
    # The example of Twilio's security documentation and its libraries' tests.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert signature("12345", url, params.items()) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert valid_signature("12345", url, list(params.items()), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


@pytest.mark.parametrize("url", ["https://opastin.example.fi/webhooks/sms/webhook", "http://127.0.0.1:5005/w?x=1"])
def test_the_signature_agrees_with_twilios_library_and_refuses_a_change(url: str) -> None:
    params = {
        "Body": "Hei, missä on terveysasema? ä ö å 😀",
        "From": "+358401234567",
        "MessageSid": "SM1",
        "To": "+35850",
    }
    given = RequestValidator("secret-token").compute_signature(url, params)
    pairs = list(params.items())
    assert valid_signature("secret-token", url, pairs, given)
    assert not valid_signature("other-token", url, pairs, given)
    assert not valid_signature("secret-token", url, [*pairs[:-1], ("To", "+35851")], given)  # a changed field
    assert not valid_signature("secret-token", url, [*pairs, ("Extra", "x")], given)  # an added one
    assert not valid_signature("secret-token", url + "/", pairs, given)  # another URL
    assert not valid_signature("secret-token", url, pairs, "")


def test_a_url_signed_with_or_without_its_default_port_is_accepted() -> None:
    pairs = [("Body", "hei")]
    with_port = RequestValidator("t").compute_signature("https://a.example.fi:443/sms", dict(pairs))
    assert valid_signature("t", "https://a.example.fi/sms", pairs, with_port)


def test_conversation_ids_are_keyed_hashes_without_the_number() -> None:
    sms = Pseudonyms(KEY, "sms")
    first = sms.sender("+358401234567")
    assert first == sms.sender("+358401234567") and first.startswith("sms-") and len(first) <= 64
    assert "401234567" not in first
    assert first != sms.sender("+358401234568")
    assert first != Pseudonyms("x" * 40, "sms").sender("+358401234567")  # another key, another id
    assert Pseudonyms(KEY, "tg").sender("+358401234567") != first  # another channel, another id


def test_a_channel_is_off_without_its_switch_and_refuses_to_half_work(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TOKEN", "SECRET", "API", "WEBHOOK_URL"):
        monkeypatch.delenv(f"OPASTIN_TELEGRAM_{name}", raising=False)
    for name in SMS_VARIABLES:
        monkeypatch.delenv(f"OPASTIN_SMS_{name}", raising=False)
    monkeypatch.delenv("OPASTIN_PSEUDONYM_KEY", raising=False)
    assert TelegramSettings.from_credentials(None) is None and SmsSettings.from_credentials({}) is None
    monkeypatch.setenv("OPASTIN_TELEGRAM_TOKEN", "123:abc")
    with pytest.raises(ChannelSettingError, match="OPASTIN_TELEGRAM_SECRET"):
        TelegramSettings.from_credentials(None)
    monkeypatch.setenv("OPASTIN_TELEGRAM_SECRET", "not allowed!")
    with pytest.raises(ChannelSettingError, match="A-Z"):
        TelegramSettings.from_credentials(None)
    monkeypatch.setenv("OPASTIN_TELEGRAM_SECRET", "s3cret_-OK")
    with pytest.raises(ChannelSettingError, match="OPASTIN_PSEUDONYM_KEY"):
        TelegramSettings.from_credentials(None)
    monkeypatch.setenv("OPASTIN_PSEUDONYM_KEY", KEY)
    settings = TelegramSettings.from_credentials({"api_base": "http://127.0.0.1:9"})  # credentials.yml wins
    assert settings is not None and settings.api_base == "http://127.0.0.1:9" and settings.token == "123:abc"
    monkeypatch.setenv("OPASTIN_SMS_ACCOUNT_SID", "AC1")
    with pytest.raises(ChannelSettingError, match="OPASTIN_SMS_AUTH_TOKEN, OPASTIN_SMS_FROM, OPASTIN_SMS_WEBHOOK_URL"):
        SmsSettings.from_credentials(None)
    monkeypatch.setenv("OPASTIN_SMS_AUTH_TOKEN", "t")
    monkeypatch.setenv("OPASTIN_SMS_FROM", "+358501234567")
    monkeypatch.setenv("OPASTIN_SMS_WEBHOOK_URL", "https://a.example.fi/webhooks/sms/webhook")
    monkeypatch.setenv("OPASTIN_SMS_MAX_SEGMENTS", "0")
    with pytest.raises(ChannelSettingError, match="at least 1"):
        SmsSettings.from_credentials(None)
    monkeypatch.delenv("OPASTIN_SMS_MAX_SEGMENTS")
    sms = SmsSettings.from_credentials(None)
    assert sms is not None and sms.max_segments == 4 and sms.api_base == "https://api.twilio.com"


def test_button_data_fits_64_bytes_and_long_payloads_come_back() -> None:
    buttons = ButtonPayloads()
    short = "/find_service"
    long = '/inform_municipality{"municipality": "Kärkölä ja Hämeenkoski yhdessä"}'
    keyboard = buttons.keyboard([{"title": "Etsi palvelu", "payload": short}, {"title": "Kärkölä", "payload": long}])
    datas = [row[0]["callback_data"] for row in keyboard]
    assert datas[0] == short and all(len(d.encode()) <= 64 for d in datas)
    assert buttons.payload(datas[1]) == long
    assert title_of({"inline_keyboard": keyboard}, datas[1]) == "Kärkölä"
    assert ButtonPayloads().payload(datas[1]) is None  # another process (or after a restart): read by its title


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_a_429_is_tried_again_after_telegrams_retry_after_and_a_5xx_after_a_backoff() -> None:
    fake = FakeTelegram("123:abc")
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async def scenario(base: str) -> tuple[int | None, int | None]:
        client = ApiClient(
            "telegram",
            attempts=3,
            retry_after_in_body=lambda b: b.get("parameters", {}).get("retry_after"),
            sleep=no_wait,
        )
        api = TelegramApi("123:abc", base, client)
        fake.fail_next("sendMessage", 429, retry_after=3)
        fake.fail_next("sendMessage", 502)
        first = await api.send_message(42, "Soita 112.")
        fake.fail_next("sendMessage", 500, times=3)
        given_up = await api.send_message(42, "toinen")
        await client.close()
        return first, given_up

    with serving(fake.app()) as base:
        first, given_up = asyncio.run(scenario(base))
    assert first is not None and given_up is None
    assert waits == [3.0, 1.0, 0.5, 1.0]  # Telegram's retry_after, then backoffs of 0.5 s, 1 s …
    assert [p["text"] for p in fake.sent()] == ["Soita 112."]


def test_a_wait_longer_than_allowed_is_not_waited() -> None:
    fake = FakeTelegram("t")
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    async def scenario(base: str) -> int | None:
        client = ApiClient(
            "telegram", max_wait=10, retry_after_in_body=lambda b: b["parameters"]["retry_after"], sleep=no_wait
        )
        fake.fail_next("sendMessage", 429, retry_after=3600)
        sent = await TelegramApi("t", base, client).send_message(1, "x")
        await client.close()
        return sent

    with serving(fake.app()) as base:
        assert asyncio.run(scenario(base)) is None
    assert waits == []


def test_make_telegram_webhook_registers_the_url_and_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeTelegram("123:abc")
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("opastin.channels.telegram.TelegramInput:\n  secret: from-the-file_1\n", encoding="utf-8")
    monkeypatch.setenv("OPASTIN_TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("OPASTIN_PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("OPASTIN_TELEGRAM_WEBHOOK_URL", "http://insecure.example.fi/webhooks/telegram/webhook")
    with pytest.raises(SystemExit, match="https://"):
        telegram_webhook.settings_from(credentials)
    monkeypatch.setenv("OPASTIN_TELEGRAM_WEBHOOK_URL", "https://opastin.example.fi/webhooks/telegram/webhook")
    with serving(fake.app()) as base:
        monkeypatch.setenv("OPASTIN_TELEGRAM_API", base)
        assert asyncio.run(telegram_webhook.set_webhook(telegram_webhook.settings_from(credentials))) == 0
    [call] = fake.of("setWebhook")
    assert call["url"] == "https://opastin.example.fi/webhooks/telegram/webhook"
    assert call["secret_token"] == "from-the-file_1" and call["allowed_updates"] == ["message", "callback_query"]
    printed = capsys.readouterr().out
    assert "@opastin_bot" in printed and "from-the-file_1" not in printed and "123:abc" not in printed
