"""Hand-over in real browsers: a person asks for a human, an agent takes over in the console, hands back."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from sqlalchemy import update

from opastin.handoff import agents
from opastin.handoff.queue import HandoffStore
from opastin.handoff.records import OPEN_STATES, Handoff
from tests.browser.test_webchat import audit, bot, send

PASSWORD = "pitkä-ja-hyvä-salasana"


def empty_queue(store: HandoffStore) -> None:
    """Other tests leave people waiting: each test here starts with an empty queue."""
    with store.session() as session, session.begin():
        session.execute(update(Handoff).where(Handoff.status.in_(OPEN_STATES)).values(status="closed"))


def test_a_person_and_an_agent_talk_and_the_bot_takes_over_again(
    browser, stack: dict, chat_url: str, artifacts
) -> None:
    username = f"anna-{uuid.uuid4().hex[:6]}"
    agents.add_agent(HandoffStore(stack["handoff"]), username, PASSWORD, "paijat-hame", "Anna")
    empty_queue(HandoffStore(stack["handoff"]))
    person_context = browser.new_context()
    agent_context = browser.new_context()  # a second, separate browser: the agent's own login
    try:
        agent = agent_context.new_page()  # the agent is at the desk before anyone asks
        agent.goto(f"{stack['base']}/webhooks/console/")
        agent.get_by_label("Käyttäjätunnus").fill(username)
        agent.get_by_label("Salasana").fill(PASSWORD)
        agent.get_by_role("button", name="Kirjaudu").click()
        expect(agent.get_by_text("Ei jonossa olevia keskusteluja.")).to_be_visible()

        person = person_context.new_page()
        person.goto(chat_url)
        send(person, "haluan puhua ihmisen kanssa")  # the very first message of the conversation
        bot(person, "Olet jonossa sijalla")
        send(person, "tarvitsen hammaslääkärin")  # while waiting the bot stays quiet…
        bot(person, "Viestisi on välitetty")
        assert person.locator(".opastin-bot").filter(has_text="Missä kunnassa asut").count() == 0
        send(person, "apua mieheni ei hengitä")  # …but the safety net still answers at once
        bot(person, "soita heti 112")

        expect(agent.get_by_text("KIIRE")).to_be_visible()  # pushed to the open console, flagged as urgent
        agent.screenshot(path=str(artifacts / "console-queue.png"), full_page=True)
        agent.get_by_role("button", name="Ota keskustelu").first.click()
        expect(agent.locator("#transcript")).to_contain_text("haluan puhua ihmisen kanssa")
        expect(agent.locator("#live")).to_contain_text("tarvitsen hammaslääkärin")
        violations = audit(agent)["violations"]  # the console is a workplace: it must be accessible too
        assert [(v["id"], len(v["nodes"])) for v in violations] == []
        bot(person, "Anna asiakasohjauksesta liittyi keskusteluun")

        agent.get_by_label("Vastauksesi asiakkaalle").fill("Hei, soitithan jo 112? Autan sitten hammasasiassa.")
        agent.get_by_role("button", name="Lähetä").click()
        expect(person.locator(".opastin-agent").last).to_contain_text("Autan sitten hammasasiassa")
        send(person, "Kyllä soitin. Asun Lahdessa.")
        expect(agent.locator("#live")).to_contain_text("Asun Lahdessa")

        agent.get_by_role("button", name="Palauta botille").click()
        bot(person, "palautti keskustelun Opastimelle")
        agent.get_by_label("Kuinka hyvin botti valmisteli").select_option("4")
        agent.get_by_role("button", name="Tallenna arvio").click()
        expect(agent.locator("#chat-status")).to_have_text("Arvio tallennettu.")

        send(person, "tarvitsen hammaslääkärin")  # the bot answers again
        bot(person, "Missä kunnassa asut")
        handled = HandoffStore(stack["handoff"])
        with handled.session() as session:
            row = session.query(Handoff).filter(Handoff.agent_id.isnot(None)).order_by(Handoff.taken.desc()).first()
        assert row.status == "returned" and row.preparation_rating == 4 and row.transcript is None
    finally:
        person_context.close()
        agent_context.close()


def test_closing_asks_the_person_for_feedback(browser, stack: dict, chat_url: str) -> None:
    username = f"ville-{uuid.uuid4().hex[:6]}"
    store = HandoffStore(stack["handoff"])
    agents.add_agent(store, username, PASSWORD, "paijat-hame", "Ville")
    empty_queue(store)
    context = browser.new_context()
    try:
        person = context.new_page()
        person.goto(chat_url + "en.html")
        send(person, "can I talk to a human")
        bot(person, "number 1 in the queue")
        agent_page = browser.new_context().new_page()
        agent_page.goto(f"{stack['base']}/webhooks/console/")
        agent_page.get_by_label("Käyttäjätunnus").fill(username)
        agent_page.get_by_label("Salasana").fill(PASSWORD)
        agent_page.get_by_role("button", name="Kirjaudu").click()
        agent_page.get_by_role("button", name="Ota keskustelu").first.click()
        agent_page.get_by_role("button", name="Päätä keskustelu").click()
        bot(person, "ended the conversation")
        expect(person.get_by_role("heading", name="Was this conversation helpful?")).to_be_visible()
        agent_page.context.close()
    finally:
        context.close()
