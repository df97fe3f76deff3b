"""The servers' log files: redacted before they are written, and rotated so they never fill the disk."""

from __future__ import annotations

import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
import yaml

from actions.server import configure_logging
from opastin.channels.session_token import SessionSigner
from opastin.logs import HIDDEN, install_log_redaction

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_root() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:], root.level = saved


def test_the_rasa_servers_log_file_is_redacted_and_rotates(tmp_path: Path, clean_root: None) -> None:
    config = yaml.safe_load((ROOT / "opastin" / "data" / "logging.yml").read_text(encoding="utf-8"))
    assert config["handlers"]["file"]["class"] == "logging.handlers.RotatingFileHandler"
    config["handlers"]["file"].update(filename=str(tmp_path / "rasa.log"), maxBytes=2000)
    logging.config.dictConfig(config)
    log = logging.getLogger("rasa.core.processor")
    for _ in range(30):
        log.info("received %s", "soita 040 123 4567 tai matti@example.fi")
    written = (tmp_path / "rasa.log").read_text(encoding="utf-8")
    assert "received soita [PHONE] tai [EMAIL]" in written and "040 123" not in written
    assert (tmp_path / "rasa.log.1").exists()  # rotated, not grown without end


def test_the_action_servers_log_file_is_redacted(tmp_path: Path, clean_root: None) -> None:
    configure_logging(str(tmp_path / "actions.log"))
    logging.getLogger("actions.callback").error("failed for %s", "010190-123A")
    logging.getLogger().handlers[0].flush()
    written = (tmp_path / "actions.log").read_text(encoding="utf-8")
    assert "failed for [HETU]" in written and "010190" not in written


def test_tokens_never_reach_the_log(tmp_path: Path, clean_root: None) -> None:
    config = yaml.safe_load((ROOT / "opastin" / "data" / "logging.yml").read_text(encoding="utf-8"))
    config["handlers"]["file"].update(filename=str(tmp_path / "rasa.log"))
    logging.config.dictConfig(config)
    token = SessionSigner(b"k" * 32).issue().token
    log = logging.getLogger("sanic.error")
    log.error("headers were %s", {"authorization": f"Bearer {token}", "x": "Bearer s3cret-rest"})
    log.error("request for %s failed: call 040 123 4567", f"-{token[1:]}")  # a token may begin with -
    logging.getLogger().handlers[0].flush()
    written = (tmp_path / "rasa.log").read_text(encoding="utf-8")
    assert token[30:] not in written and "s3cret" not in written
    assert "'Bearer [TOKEN]'" in written and "request for [TOKEN] failed: call [PHONE]" in written


def test_rasas_structlog_events_never_carry_a_persons_words(capsys: pytest.CaptureFixture[str]) -> None:
    """Rasa logs a failed RabbitMQ publish with the whole user event (pika.events.publish.failed)."""
    install_log_redaction()
    structlog.get_logger().error(
        "pika.events.publish.failed",
        event_info="Logging a reduced version of the failed Pika event",
        host="amqp://guest@127.0.0.1:5672",
        rasa_event={"event": "user", "text": "minulla on rintakipua, soita 040 123 4567"},
    )
    printed = capsys.readouterr()
    written = printed.out + printed.err
    assert "pika.events.publish.failed" in written and "127.0.0.1" in written
    assert "rintakipua" not in written and "040 123 4567" not in written and HIDDEN in written
