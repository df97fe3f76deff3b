"""`make telegram-webhook`: tells Telegram where the bot's webhook is, with the secret it must send.

Reads the channel's settings as the Rasa server does (credentials.yml's TelegramInput block, then the
environment: OPASTIN_TELEGRAM_TOKEN, OPASTIN_TELEGRAM_SECRET, OPASTIN_TELEGRAM_WEBHOOK_URL,
OPASTIN_TELEGRAM_API), checks the token with getMe, calls setWebhook (secret_token, only message and
callback_query updates) and prints what Telegram then reports. The token and the secret are never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from rasa.shared.utils.io import read_config_file

from opastin.channels.telegram import TelegramSettings
from opastin.channels.telegram_api import TelegramApi

CHANNEL_KEY = "opastin.channels.telegram.TelegramInput"


def settings_from(credentials_file: Path) -> TelegramSettings:
    block: Any = read_config_file(str(credentials_file)).get(CHANNEL_KEY) if credentials_file.exists() else None
    settings = TelegramSettings.from_credentials(block if isinstance(block, dict) else None)
    if settings is None:
        raise SystemExit("OPASTIN_TELEGRAM_TOKEN is not set: the Telegram channel is off")
    if not settings.webhook_url or not settings.webhook_url.startswith("https://"):
        raise SystemExit("OPASTIN_TELEGRAM_WEBHOOK_URL must be the public https:// URL of /webhooks/telegram/webhook")
    return settings


async def set_webhook(settings: TelegramSettings) -> int:
    api = TelegramApi(settings.token, settings.api_base)
    try:
        me = await api.get_me()
        if me is None:
            print("Telegram did not accept the bot token (getMe failed)", file=sys.stderr)
            return 1
        assert settings.webhook_url is not None
        if not await api.set_webhook(settings.webhook_url, settings.secret):
            print("setWebhook failed (see the log line above for Telegram's error code)", file=sys.stderr)
            return 1
        info = await api.get_webhook_info() or {}
        waiting = info.get("pending_update_count", 0)
        print(f"@{me.get('username')}: webhook {info.get('url')}, {waiting} updates waiting")
        if info.get("last_error_message"):
            print(f"Telegram's last delivery error: {info['last_error_message']}")
        return 0
    finally:
        await api.client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--credentials", default="credentials.yml", type=Path)
    args = parser.parse_args()
    sys.exit(asyncio.run(set_webhook(settings_from(args.credentials))))


if __name__ == "__main__":
    main()
