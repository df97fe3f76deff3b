"""The website chat in a real browser, as residents use it: three languages, reload, keyboard, hostile text."""

from __future__ import annotations

import http.server
import json
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from opastin.channels.session_token import SessionSigner, signing_key
from opastin.figures import feedback_rows
from tests.browser.conftest import AXE

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def send(page: Page, text: str) -> None:
    """Types and sends a message; returns once it shows in the log as the person's newest message."""
    mine = page.locator(".opastin-you")
    before = mine.count()
    page.locator("#opastin-input").fill(text)
    page.locator("#opastin-input").press("Enter")
    expect(mine).to_have_count(before + 1)


def bot(page: Page, text: str):
    """The newest bot message that came after the person's last message and contains `text` (waits for it).

    Only messages after the person's last one count, so an earlier answer never satisfies the wait."""
    assert text.strip(), "wait for a text the answer must contain: an empty one matches any message"
    since_last = page.locator(".opastin-you").last.locator(
        "xpath=following-sibling::div[contains(concat(' ', normalize-space(@class), ' '), ' opastin-bot ')]"
    )
    message = since_last.filter(has_text=text).last
    expect(message).to_be_visible()
    return message


def choice(page: Page, title: str):
    return page.locator(".opastin-choice:not([disabled])").filter(has_text=title).first


@pytest.mark.parametrize(
    "path, question, town, answer_words, send_label, emergency",
    [
        ("", "tarvitsen hammaslääkärin", "Lahti", "Puhelin", "Lähetä", "soita 112"),
        ("sv.html", "jag behöver en tandläkare", "Lahtis", "Telefon", "Skicka", "Ring 112"),
        ("en.html", "i need a dentist", "Lahti", "Phone", "Send", "call 112"),
    ],
)
def test_a_conversation_with_buttons_in_each_language(
    page: Page, chat_url: str, path: str, question: str, town: str, answer_words: str, send_label: str, emergency: str
) -> None:
    page.goto(chat_url + path)
    # before the first message: not for emergencies, and what happens to what you write
    expect(page.locator(".opastin-emergency")).to_contain_text(emergency)
    expect(page.locator(".opastin-privacy")).to_be_visible()
    expect(page.get_by_role("button", name=send_label, exact=True)).to_be_visible()
    send(page, question)
    expect(page.locator(".opastin-you").last).to_contain_text(question)
    choice(page, town).click()
    answer = bot(page, answer_words)
    tel = answer.locator("a[href^='tel:+358']").first
    expect(tel).to_be_visible()  # phone numbers can be called with one tap
    assert " " not in tel.get_attribute("href")


def kept(page: Page, name: str) -> Any:
    """What the widget keeps in this tab's sessionStorage under `name`."""
    return page.evaluate("(name) => JSON.parse(sessionStorage.getItem('opastin.' + name))", name)


def test_a_reload_and_another_page_keep_the_conversation(page: Page, chat_url: str) -> None:
    page.goto(chat_url)
    send(page, "tarvitsen hammaslääkärin")
    choice(page, "Hollola").click()
    bot(page, "Puhelin")
    before = page.locator(".opastin-message").count()
    token = kept(page, "token")
    page.reload()
    expect(page.locator(".opastin-message")).to_have_count(before)
    assert kept(page, "token") == token  # the same conversation's token, from this tab's sessionStorage
    send(page, "milloin terveysasema on auki")
    bot(page, "Näistä saat apua (Hollola):")  # the municipality is remembered: the same conversation goes on
    page.goto(chat_url + "sivu.html")  # another page of the site, chat behind the button
    page.get_by_role("button", name="Avaa chat").click()
    expect(page.locator(".opastin-you").filter(has_text="milloin terveysasema on auki")).to_be_visible()
    expect(page.locator("#opastin-input")).to_be_focused()


def test_the_language_switch_changes_the_texts_and_the_answers(page: Page, chat_url: str) -> None:
    page.goto(chat_url)
    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Skicka", exact=True)).to_be_visible()
    expect(page.get_by_label("Skriv ditt meddelande")).to_be_visible()
    send(page, "hammaslääkäri")  # Finnish words, but the page asks for Swedish
    bot(page, "I vilken kommun bor du?")
    page.get_by_role("button", name="English").click()
    send(page, "Lahti")
    bot(page, "Here is where to get help (Lahti):")
    bot(page, "Phone")


def test_typing_the_number_of_a_choice_chooses_it(page: Page, chat_url: str) -> None:
    page.goto(chat_url)
    send(page, "tarvitsen hammaslääkärin")
    expect(choice(page, "Lahti")).to_be_visible()
    send(page, "1")
    expect(page.locator(".opastin-you .opastin-text").last).to_have_text("Lahti")
    bot(page, "Puhelin")


HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:alert(1)">x</a>'


def test_hostile_html_is_shown_as_text_and_never_run(page: Page, chat_url: str) -> None:
    page.goto(chat_url)
    send(page, HOSTILE)
    expect(page.locator(".opastin-you").last).to_contain_text('<img src=x onerror="window.__pwned=1">')
    # the same text as a place name: the bot's answer repeats it ("En tunnista kuntaa …"), so it is in a bot message too
    send(page, "/inform_municipality" + json.dumps({"municipality": HOSTILE}))
    answer = bot(page, 'En tunnista kuntaa "<img src=x onerror="window.__pwned=1">')
    expect(answer.locator("a")).to_have_count(0)
    # what a bot or an agent could send: rendered by the same code the chat uses
    rendered = page.evaluate(
        """(text) => {
        const node = window.OpastinChat.renderText(text);
        document.querySelector('.opastin-log').appendChild(node);
        return {html: node.innerHTML, links: [...node.querySelectorAll('a')].map(a => a.getAttribute('href'))};
    }""",
        HOSTILE + "\nsee https://example.fi/x?<b>y</b> or javascript:alert(1) and call 09 2525 0111\n- one\n- two",
    )
    assert page.locator(".opastin-log img, .opastin-log script").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert all(href.startswith(("https://", "tel:")) for href in rendered["links"]), rendered["links"]
    assert "tel:+358925250111" in rendered["links"]
    assert "<li>one</li>" in rendered["html"]


def test_a_conversation_by_keyboard_only(page: Page, chat_url: str) -> None:
    page.goto(chat_url)
    for _ in range(30):  # Tab from the top of the page to the message box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "opastin-input":
            break
    else:
        pytest.fail("the message box cannot be reached with Tab")
    page.keyboard.type("tarvitsen hammaslääkärin")
    page.keyboard.press("Enter")
    expect(choice(page, "Lahti")).to_be_visible()
    page.keyboard.press("Shift+Tab")  # one step back from the message box: the newest choices
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent]")
    assert focused[0] == "BUTTON" and focused[1].endswith("Sysmä"), focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    expect(page.locator(".opastin-you").last).to_contain_text("Sysmä")
    bot(page, "Puhelin")


def test_feedback_at_the_end_is_stored_without_identifiers(page: Page, chat_url: str, stack: dict) -> None:
    page.goto(chat_url)
    send(page, "kiitos, hei")
    bot(page, "Olen Opastin, automaattinen neuvontabotti, en ihminen.")  # the first answer begins with the notice
    page.get_by_role("button", name="Lopeta keskustelu").click()
    expect(page.get_by_role("heading", name="Oliko tästä keskustelusta apua?")).to_be_focused()
    page.get_by_role("button", name="Lähetä palaute").click()
    expect(page.locator(".opastin-feedback-status")).to_contain_text("Valitse ensin")
    page.get_by_role("button", name="Kyllä, oli").click()
    page.get_by_label("Kommentti").fill("Selkeä! Soittakaa minulle 040 123 4567")
    page.get_by_role("button", name="Lähetä palaute").click()
    expect(page.locator(".opastin-thanks")).to_have_text("Kiitos palautteesta!")
    newest = feedback_rows(stack["reporting"])[0]
    assert newest["rating"] == 1 and newest["language"] == "fi"
    assert newest["comment"] == "Selkeä! Soittakaa minulle [PHONE]"
    ended = kept(page, "sender")
    page.get_by_role("button", name="Aloita uusi keskustelu").click()
    expect(page.locator(".opastin-message")).to_have_count(0)
    assert kept(page, "token") is None  # nothing of the ended conversation is left in the tab
    send(page, "kiitos, hei")
    bot(page, "Olen Opastin, automaattinen neuvontabotti")  # a new conversation: the notice comes again
    assert kept(page, "sender") not in (None, ended)


def test_a_county_site_embeds_the_chat_with_one_script_tag(
    page: Page, chat_url: str, stack: dict[str, str], tmp_path: Path
) -> None:
    """Another origin, as a county's own site (OPASTIN_ALLOWED_ORIGINS): the widget brings its styles and talks
    across origins."""
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Kommunens sida</title></head>'
        f'<body><main><h1>Kommunens sida</h1></main><script src="{chat_url}opastin.js" defer></script></body></html>',
        encoding="utf-8",
    )
    port = int(stack["county_site"].rsplit(":", 1)[1])
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{port}/index.html")
        launcher = page.get_by_role("button", name="Öppna chatten")
        expect(launcher).to_have_css("background-color", "rgb(11, 79, 138)")  # its stylesheet came along
        launcher.click()
        send(page, "hej")
        bot(page, "Jag är Opastin, en automatisk rådgivningsbot")  # the Swedish page's language crossed origins
        expect(page.locator(".opastin-status")).not_to_contain_text("gick inte fram")
    finally:
        server.shutdown()


# --------------------------------------------------------------------------- the conversation's token


API = {"session", "message", "stream"}


def test_the_token_goes_in_a_header_and_never_in_an_address(page: Page, chat_url: str) -> None:
    """No address the widget asks for holds the token or the conversation's id: addresses end up in logs."""
    requested: list[Any] = []
    page.on("request", lambda request: requested.append(request))
    page.goto(chat_url)
    send(page, "tarvitsen hammaslääkärin")
    choice(page, "Lahti").click()
    bot(page, "Puhelin")
    page.reload()
    expect(page.locator(".opastin-you")).to_have_count(2)
    send(page, "kiitos")
    expect(page.locator(".opastin-bot")).not_to_have_count(0)
    token, sender = kept(page, "token"), kept(page, "sender")
    assert token and token.startswith(sender + ".")
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('opastin'))") == []
    api = [r for r in requested if "/webhooks/webchat/" in r.url and r.url.split("/")[-1].split("?")[0] in API]
    assert {r.url.split("/")[-1].split("?")[0] for r in api} == API  # all four were seen
    for request in requested:
        assert token not in request.url and sender not in request.url and "sender=" not in request.url, request.url
        assert token not in (request.post_data or ""), request.url  # nor in a body
    for request in api:
        if not request.url.endswith("/session"):
            assert request.all_headers()["authorization"] == f"Bearer {token}", request.url


def test_an_old_or_unknown_token_starts_a_new_conversation_with_a_notice(page: Page, chat_url: str) -> None:
    """As after a day, or when the server's key was changed: the widget says so and goes on in a new one."""
    page.goto(chat_url)
    send(page, "tarvitsen hammaslääkärin")
    choice(page, "Hollola").click()
    bot(page, "Puhelin")
    old_sender = kept(page, "sender")
    two_days_ago = time.time() - 2 * 24 * 3600
    expired = SessionSigner(signing_key(), clock=lambda: two_days_ago).issue(old_sender).token  # the server's key
    for token in (expired, old_sender + ".1." + "A" * 43):  # expired, then forged
        page.evaluate("(t) => sessionStorage.setItem('opastin.token', JSON.stringify(t))", token)
        page.reload()
        expect(page.locator(".opastin-note")).to_have_text(
            "Edellinen keskustelu on päättynyt. Tästä alkaa uusi keskustelu."
        )
        expect(page.locator(".opastin-you")).to_have_count(0)  # the old conversation is not shown as if it went on
        send(page, "tarvitsen hammaslääkärin")
        bot(page, "Missä kunnassa asut?")  # a new conversation: the municipality is asked again
        assert kept(page, "sender") != old_sender
        old_sender = kept(page, "sender")


# --------------------------------------------------------------------------- accessibility audit


def audit(page: Page) -> dict:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)


@pytest.mark.parametrize("width, name", [(1280, "desktop"), (320, "phone-320px")])
def test_the_open_chat_has_no_axe_violations_and_fits_the_screen(
    browser, chat_url: str, artifacts: Path, width: int, name: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(chat_url)
        send(page, "tarvitsen hammaslääkärin")
        expect(choice(page, "Lahti")).to_be_visible()
        results = audit(page)
        (artifacts / f"axe-{name}.json").write_text(json.dumps(results["violations"], indent=2), encoding="utf-8")
        page.screenshot(path=str(artifacts / f"chat-{name}.png"), full_page=True)
        violations = [(v["id"], v["impact"], len(v["nodes"])) for v in results["violations"]]
        assert violations == [], violations
        assert len(results["passes"]) > 20  # the audit did run
        # reflow: nothing needs horizontal scrolling, at 320 px as at desktop width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_chat_button_on_other_pages_passes_the_audit_open_and_closed(
    browser, chat_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(chat_url + "sivu.html")
        assert audit(page)["violations"] == []
        page.get_by_role("button", name="Avaa chat").click()
        results = audit(page)
        page.screenshot(path=str(artifacts / "chat-launcher-open.png"))
        assert [v["id"] for v in results["violations"]] == []
    finally:
        context.close()


def test_larger_text_and_200_percent_zoom_keep_everything_usable(browser, chat_url: str, artifacts: Path) -> None:
    # 200 % zoom of a 1280 px window is a 640 px layout at twice the pixel density
    context = browser.new_context(viewport={"width": 640, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(chat_url)
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.opastin')).fontSize)")
        page.get_by_role("button", name="Suurempi teksti").click()
        expect(page.get_by_role("button", name="Suurempi teksti")).to_have_attribute("aria-pressed", "true")
        larger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.opastin')).fontSize)")
        assert larger >= size * 1.2
        send(page, "tarvitsen hammaslääkärin")
        expect(choice(page, "Lahti")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 640
        page.screenshot(path=str(artifacts / "chat-zoom-200-larger-text.png"), full_page=True)
        page.reload()  # the choice is remembered
        expect(page.get_by_role("button", name="Suurempi teksti")).to_have_attribute("aria-pressed", "true")
    finally:
        context.close()


def test_reduced_motion_is_respected(browser, chat_url: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    try:
        page.goto(chat_url)
        send(page, "tarvitsen hammaslääkärin")
        button = choice(page, "Lahti")
        expect(button).to_be_visible()
        assert button.evaluate("b => getComputedStyle(b).transitionDuration") in ("0s", "")
    finally:
        context.close()
