"""`make interactive` without a terminal: Rasa's own export functions write a staged export, which is filed
into the layout; the export defaults point at the staging folder; domain.yml is never overwritten."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.training import interactive as rasa_interactive
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

from opastin.trainer import interactive
from opastin.trainer.export import file_export, report
from opastin.trainer.nlu_yaml import read_examples
from tests.trainer_project import ROOT, changed_lines, copy_project, validate

STORIES = "data/stories/stories_interactive.yml"
MUNICIPALITY = {
    "entity": "municipality",
    "start": 16,
    "end": 24,
    "value": "Lahti",
    "extractor": "MunicipalityExtractor",
}


def session(*turns: list[Event]) -> list[dict[str, Any]]:
    """A conversation as the interactive server's tracker has it, serialised as Rasa's export reads it."""
    events: list[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for turn in turns:
        events += [*turn, ActionExecuted("action_listen")]
    return [event.as_dict() for event in events]


def turn(text: str, intent: str, action: str, *slots: SlotSet, entities: list[dict] | None = None) -> list[Event]:
    message = UserUttered(text, {"name": intent, "confidence": 0.9}, entities or [])
    return [message, SlotSet("language", "fi"), *slots, ActionExecuted(action), BotUttered("…")]


def export_as_rasa_does(staging: Path, events: list[dict[str, Any]]) -> None:
    """What "Export & Quit" writes, by Rasa's own functions, to the paths the staging defaults give."""
    domain = Domain.load(str(ROOT / "domain.yml"))
    staging.mkdir(parents=True, exist_ok=True)
    rasa_interactive._write_stories_to_file(str(staging / "stories.yml"), events, domain)
    rasa_interactive._write_nlu_to_file(str(staging / "nlu.yml"), events)
    rasa_interactive._write_domain_to_file(str(staging / "domain.yml"), events, domain)


FINNISH_SESSION = session(
    turn("moikka, tarviin hammaslääkärin", "dental_care", "action_show_services"),
    turn(
        "mä asun nykyään Lahdessa",
        "inform_municipality",
        "action_show_services",
        SlotSet("municipality", "Lahti"),
        entities=[MUNICIPALITY],
    ),
    turn("/human_handoff", "human_handoff", "action_offer_human_contact"),  # a button: no text to learn
    turn("soittakaa numeroon 040 123 4567", "request_callback", "callback_form"),
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_a_finnish_session_is_filed_into_the_layout(project: Path, tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    export_as_rasa_does(staging, FINNISH_SESSION)
    before = {name: (project / f"data/nlu/fi/{name}.yml").read_text(encoding="utf-8") for name in ("services", "core")}
    domain_before = (project / "domain.yml").read_bytes()

    result = file_export(staging, project)

    assert [(f.path.relative_to(project).as_posix(), f.intent, f.text) for f in result.filing.filed] == [
        ("data/nlu/fi/services.yml", "dental_care", "moikka, tarviin hammaslääkärin"),
        (
            "data/nlu/fi/core.yml",
            "inform_municipality",
            'mä asun nykyään [Lahdessa]{"entity": "municipality", "value": "Lahti"}',
        ),
        ("data/nlu/fi/handoff.yml", "request_callback", "soittakaa numeroon [PHONE]"),
    ]
    after = (project / "data/nlu/fi/services.yml").read_text(encoding="utf-8")
    assert [line for _, line in changed_lines(before["services"], after)] == ["    - moikka, tarviin hammaslääkärin"]
    assert not (project / "data" / "nlu.yml").exists() and not (project / "data" / "stories.yml").exists()
    assert (project / "domain.yml").read_bytes() == domain_before
    assert result.additions == {} and result.problems == []
    stories = yaml.safe_load((project / "data/stories/stories_interactive.yml").read_text(encoding="utf-8"))
    [story] = stories["stories"]
    assert story["story"].startswith("interactive ") and story["story"].endswith(" 1")
    assert [step.get("intent") or step.get("action") for step in story["steps"] if "slot_was_set" not in step] == [
        "dental_care",
        "action_show_services",
        "inform_municipality",
        "action_show_services",
        "human_handoff",
        "action_offer_human_contact",
        "request_callback",
        "callback_form",
    ]
    assert sorted(path.name for path in staging.iterdir()) == []  # filed, so gone
    validate(project)  # what make test-validate runs still passes, the new story included


def test_a_second_session_gets_its_own_story_name_and_refuses_what_is_filed(project: Path, tmp_path: Path) -> None:
    for _ in range(2):
        export_as_rasa_does(tmp_path / "staging", FINNISH_SESSION)
        result = file_export(tmp_path / "staging", project)
    assert result.filing.filed == []
    assert [r.reason for r in result.filing.refused] == [
        "already in data/nlu/fi/services.yml under dental_care",
        "already in data/nlu/fi/core.yml under inform_municipality",
        "already in data/nlu/fi/handoff.yml under request_callback",
    ]
    names = [s["story"] for s in yaml.safe_load((project / STORIES).read_text(encoding="utf-8"))["stories"]]
    assert len(names) == 2 and len(set(names)) == 2


def test_new_intents_and_actions_are_listed_for_domain_yml_not_written_into_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(rasa_interactive.NEW_RESPONSES, "utter_parking", [{"text": "Pysäköinti on maksuton."}])
    staging = tmp_path / "staging"
    export_as_rasa_does(
        staging,
        session(
            turn("voinko pysäköidä sairaalan pihaan", "ask_parking", "utter_parking"),
            turn("missä on sairaalan parkkihalli", "ask_parking", "action_parking_map"),
        ),
    )
    domain_before = (project / "domain.yml").read_bytes()

    result = file_export(staging, project, language="fi")

    assert (project / "domain.yml").read_bytes() == domain_before
    assert result.additions == {
        "intents": ["ask_parking"],
        "actions": ["action_parking_map"],  # utter_parking is an action by being a response
        "responses": {"utter_parking": [{"text": "Pysäköinti on maksuton."}]},
    }
    assert (
        yaml.safe_load((tmp_path / "staging" / "domain_additions.yml").read_text(encoding="utf-8")) == result.additions
    )
    assert read_examples(project / "data/nlu/fi/new_intents.yml") == [
        ("ask_parking", "voinko pysäköidä sairaalan pihaan"),
        ("ask_parking", "missä on sairaalan parkkihalli"),
    ]
    lines = report(result, staging)
    assert "  fi  ask_parking  (data/nlu/fi/new_intents.yml)" in lines
    assert (
        "  - ask_parking" in lines
        and "Problem: data/nlu/fi/new_intents.yml: intent ask_parking is not in domain.yml" in lines
    )


def test_the_export_defaults_point_at_the_staging_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def rasas(**kwargs: Any) -> None:
        seen.update(kwargs)

    monkeypatch.setattr(rasa_interactive, "run_interactive_learning", rasas)
    with interactive.staged_export_defaults(tmp_path):
        assert rasa_interactive.run_interactive_learning is not rasas
        # as rasa.core.train.do_interactive_learning calls it, with `rasa interactive`'s arguments
        rasa_interactive.run_interactive_learning(
            file_importer=None, skip_visualization=True, conversation_id="c", server_args={"domain": "domain.yml"}
        )
    assert seen["server_args"] == {
        "domain": str(tmp_path / "domain.yml"),
        "stories": str(tmp_path / "stories.yml"),
        "nlu_data": str(tmp_path / "nlu.yml"),
    }
    assert rasa_interactive.run_interactive_learning is rasas  # put back afterwards


def test_rasa_still_takes_its_export_defaults_from_those_arguments() -> None:
    """The staging relies on these lines of Rasa 3.6; an upgrade that drops them must fail here."""
    source = inspect.getsource(rasa_interactive.run_interactive_learning)
    for key, argument in (("nlu", "nlu_data"), ("stories", "stories"), ("domain", "domain")):
        assert f'PATHS["{key}"] = server_args["{argument}"]' in source
    assert 'default=PATHS["domain"]' in inspect.getsource(rasa_interactive._request_export_info)


def test_the_session_uses_the_action_server_it_starts_and_no_tracker_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPASTIN_ACTION_TOKEN", raising=False)
    path = interactive.endpoints_for(5155, tmp_path)
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {
        "action_endpoint": {"url": "http://127.0.0.1:5155/webhook", "enable_selective_domain": True}
    }
    monkeypatch.setenv("OPASTIN_ACTION_TOKEN", "s3cret-token")  # the action server started then requires it
    path = interactive.endpoints_for(5155, tmp_path)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["action_endpoint"]["token"] == "s3cret-token"


def test_a_session_does_not_start_over_an_export_not_yet_filed(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    assert interactive.main(["--staging", str(tmp_path)]) == 2


def test_the_session_server_listens_on_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from sanic import Sanic

    calls: list[tuple[tuple, dict]] = []

    def run(self: Sanic, *args: Any, **kwargs: Any) -> None:
        calls.append((args, kwargs))

    monkeypatch.setattr(Sanic, "run", run)
    app = Sanic("trainer_test_app")
    with interactive.loopback_only():
        app.run(host="0.0.0.0", port=5005)  # as rasa.core.training.interactive._serve_application does
        app.run("0.0.0.0", 5005)
    assert calls == [((), {"host": "127.0.0.1", "port": 5005}), (("127.0.0.1", 5005), {})]
    assert Sanic.run is run
    assert 'app.run(host="0.0.0.0", port=port)' in inspect.getsource(rasa_interactive._serve_application)
