/*
 * Opastin web chat. A county embeds it with one tag:
 *   <script src="https://ASSISTANT/webhooks/webchat/opastin.js" defer></script>
 * Options (data- attributes on that tag):
 *   data-mode="inline"   render into <div id="opastin-chat"> instead of a floating chat button
 *   data-lang="sv"       force the language (default: the page's <html lang>, then Finnish)
 * Plain JavaScript, no build step and no third-party code. Every text from the server is put into
 * the page as text (textContent), never as HTML: links and phone numbers are made into elements.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = script.src.replace(/[^/]*$/, "");
  var MODE = script.getAttribute("data-mode") || "launcher";
  var KEY = "opastin.";
  var MAX_MESSAGE = 2000;
  var LANGS = ["fi", "sv", "en"];
  // JSON sent as text/plain is a "simple" cross-origin request: a county's site can embed the chat
  // without a CORS preflight (the server reads the body as JSON whatever its type).
  var PLAIN = "text/plain;charset=UTF-8";

  var TEXTS = {
    fi: {
      open: "Avaa chat: Opastin neuvoo palveluissa", minimise: "Pienennä chat",
      title: "Opastin – palveluneuvonta",
      emergency: "Ei hätätilanteisiin. Hätätilanteessa soita 112.",
      privacy: "Opastin on automaattinen neuvontabotti, ei ihminen. Älä kirjoita henkilötunnusta tai terveystietojasi. Keskustelu häviää, kun suljet selaimen välilehden.",
      language: "Kieli", larger: "Suurempi teksti", input: "Kirjoita viestisi", send: "Lähetä",
      typing: "Opastin kirjoittaa…", you: "Sinä:", bot: "Opastin:", agent: "Asiakasohjaaja:",
      choices: "Vaihtoehdot. Voit myös kirjoittaa vaihtoehdon numeron.",
      failed: "Viesti ei mennyt perille. Tarkista verkkoyhteys ja lähetä uudelleen.",
      tooLong: "Viesti on liian pitkä. Lyhennä se enintään 2000 merkkiin.",
      offline: "Yhteys katkesi. Yhdistetään uudelleen…",
      end: "Lopeta keskustelu", feedbackQuestion: "Oliko tästä keskustelusta apua?",
      helpful: "Kyllä, oli", notHelpful: "Ei ollut",
      comment: "Kommentti (vapaaehtoinen). Älä kirjoita henkilötietoja.",
      sendFeedback: "Lähetä palaute", thanks: "Kiitos palautteesta!", skipFeedback: "Ohita palaute",
      newChat: "Aloita uusi keskustelu", chooseRating: "Valitse ensin, oliko keskustelusta apua.",
      count: "merkkiä"
    },
    sv: {
      open: "Öppna chatten: Opastin ger råd om tjänster", minimise: "Minimera chatten",
      title: "Opastin – tjänsterådgivning",
      emergency: "Inte för nödsituationer. Ring 112 i en nödsituation.",
      privacy: "Opastin är en automatisk rådgivningsbot, inte en människa. Skriv inte din personbeteckning eller dina hälsouppgifter. Samtalet försvinner när du stänger webbläsarfliken.",
      language: "Språk", larger: "Större text", input: "Skriv ditt meddelande", send: "Skicka",
      typing: "Opastin skriver…", you: "Du:", bot: "Opastin:", agent: "Klienthandledare:",
      choices: "Alternativ. Du kan också skriva alternativets nummer.",
      failed: "Meddelandet gick inte fram. Kontrollera nätförbindelsen och skicka igen.",
      tooLong: "Meddelandet är för långt. Korta ner det till högst 2000 tecken.",
      offline: "Förbindelsen bröts. Ansluter på nytt…",
      end: "Avsluta samtalet", feedbackQuestion: "Var det här samtalet till hjälp?",
      helpful: "Ja", notHelpful: "Nej",
      comment: "Kommentar (frivillig). Skriv inga personuppgifter.",
      sendFeedback: "Skicka respons", thanks: "Tack för din respons!", skipFeedback: "Hoppa över responsen",
      newChat: "Börja ett nytt samtal", chooseRating: "Välj först om samtalet var till hjälp.",
      count: "tecken"
    },
    en: {
      open: "Open chat: Opastin helps with services", minimise: "Minimise chat",
      title: "Opastin – service guidance",
      emergency: "Not for emergencies. In an emergency, call 112.",
      privacy: "Opastin is an automated assistant, not a person. Do not type your personal identity code or health details. The conversation is gone when you close the browser tab.",
      language: "Language", larger: "Larger text", input: "Type your message", send: "Send",
      typing: "Opastin is typing…", you: "You:", bot: "Opastin:", agent: "Customer guidance:",
      choices: "Choices. You can also type the number of a choice.",
      failed: "The message did not get through. Check your connection and send it again.",
      tooLong: "The message is too long. Shorten it to 2000 characters at most.",
      offline: "The connection was lost. Reconnecting…",
      end: "End conversation", feedbackQuestion: "Was this conversation helpful?",
      helpful: "Yes", notHelpful: "No",
      comment: "Comment (optional). Do not type personal details.",
      sendFeedback: "Send feedback", thanks: "Thank you for your feedback!", skipFeedback: "Skip feedback",
      newChat: "Start a new conversation", chooseRating: "First choose whether the conversation was helpful.",
      count: "characters"
    }
  };
  var LANGUAGE_NAMES = { fi: "Suomi", sv: "Svenska", en: "English" };

  // ------------------------------------------------------------------ state kept for this tab
  // sessionStorage: the conversation survives a reload and other pages of the site, and is gone
  // when the tab closes (a shared library computer keeps nothing).

  function load(name, fallback) {
    try {
      var value = window.sessionStorage.getItem(KEY + name);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) {
      return fallback;
    }
  }

  function save(name, value) {
    try {
      window.sessionStorage.setItem(KEY + name, JSON.stringify(value));
    } catch (e) { /* storage full or blocked: the chat still works for this page */ }
  }

  function newSender() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function pageLanguage() {
    var forced = script.getAttribute("data-lang");
    var lang = (forced || document.documentElement.lang || "fi").slice(0, 2).toLowerCase();
    return LANGS.indexOf(lang) >= 0 ? lang : "fi";
  }

  var state = {
    sender: load("sender", null) || newSender(),
    lang: load("lang", null) || pageLanguage(),
    transcript: load("transcript", []),
    lastSeq: load("lastSeq", 0),
    open: MODE === "inline" || load("open", false),
    large: load("large", false)
  };
  save("sender", state.sender);

  function t(name) { return TEXTS[state.lang][name]; }

  // ------------------------------------------------------------------ safe rendering

  var TOKEN = /(https?:\/\/[^\s<>"']+)|(\+358[\d -]{6,}\d|\b0\d{1,3}(?:[ -]\d{2,4}){1,4}\b|\b116 ?117\b|\b112\b)/g;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function telHref(number) {
    var digits = number.replace(/[^\d+]/g, "");
    if (digits.charAt(0) === "0") { digits = "+358" + digits.slice(1); }
    return "tel:" + digits;
  }

  /** Text with links and phone numbers as elements; everything else as text nodes. */
  function inline(parent, text) {
    var last = 0;
    text.replace(TOKEN, function (match, url, phone, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var a;
      if (url) {
        var clean = url.replace(/[.,;:!?)]+$/, "");
        a = el("a", "opastin-link", clean);
        a.href = clean;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        parent.appendChild(a);
        last = offset + clean.length;
        return match;
      }
      a = el("a", "opastin-tel", phone);
      a.href = telHref(phone);
      parent.appendChild(a);
      last = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Paragraphs by blank lines, "- " lines as lists, other line breaks kept. */
  function richText(text) {
    var box = el("div", "opastin-text");
    String(text || "").split(/\n{2,}/).forEach(function (block) {
      var lines = block.split("\n");
      var list = null;
      var para = null;
      lines.forEach(function (line) {
        if (/^\s*[-•]\s+/.test(line)) {
          if (!list) { list = el("ul"); box.appendChild(list); para = null; }
          var item = el("li");
          inline(item, line.replace(/^\s*[-•]\s+/, ""));
          list.appendChild(item);
        } else {
          list = null;
          if (!para) { para = el("p"); box.appendChild(para); } else { para.appendChild(el("br")); }
          inline(para, line);
        }
      });
    });
    return box;
  }

  // ------------------------------------------------------------------ the widget

  var ui = {};

  function build() {
    var host;
    if (MODE === "inline") {
      host = document.getElementById("opastin-chat") || document.body.appendChild(el("div"));
    } else {
      host = document.body.appendChild(el("div"));
    }
    host.classList.add("opastin", MODE === "inline" ? "opastin-inline" : "opastin-floating");
    ui.host = host;

    if (MODE !== "inline") {
      ui.launcher = el("button", "opastin-launcher");
      ui.launcher.type = "button";
      ui.launcher.setAttribute("aria-controls", "opastin-panel");
      ui.launcher.appendChild(el("span", "opastin-launcher-icon")).setAttribute("aria-hidden", "true");
      ui.launcherLabel = ui.launcher.appendChild(el("span", "opastin-launcher-label"));
      ui.launcher.addEventListener("click", function () { setOpen(!state.open, true); });
      host.appendChild(ui.launcher);
    }

    var panel = el("section", "opastin-panel");
    panel.id = "opastin-panel";
    panel.setAttribute("aria-labelledby", "opastin-title");
    ui.panel = panel;

    var header = el("div", "opastin-header");
    ui.title = el("h2", "opastin-title");
    ui.title.id = "opastin-title";
    header.appendChild(ui.title);
    var tools = el("div", "opastin-tools");
    ui.langGroup = el("div", "opastin-langs");
    ui.langGroup.setAttribute("role", "group");
    ui.langButtons = {};
    LANGS.forEach(function (lang) {
      var b = el("button", "opastin-lang", LANGUAGE_NAMES[lang]);
      b.type = "button";
      b.lang = lang;
      b.addEventListener("click", function () { setLanguage(lang); });
      ui.langButtons[lang] = b;
      ui.langGroup.appendChild(b);
    });
    tools.appendChild(ui.langGroup);
    ui.largeButton = el("button", "opastin-large");
    ui.largeButton.type = "button";
    ui.largeButton.addEventListener("click", function () { setLarge(!state.large); });
    tools.appendChild(ui.largeButton);
    if (MODE !== "inline") {
      ui.minimise = el("button", "opastin-minimise");
      ui.minimise.type = "button";
      ui.minimise.addEventListener("click", function () { setOpen(false); ui.launcher.focus(); });
      tools.appendChild(ui.minimise);
    }
    header.appendChild(tools);
    panel.appendChild(header);

    var notice = el("div", "opastin-notice");
    ui.emergency = notice.appendChild(el("p", "opastin-emergency"));
    ui.privacy = notice.appendChild(el("p", "opastin-privacy"));
    panel.appendChild(notice);

    ui.log = el("div", "opastin-log");
    ui.log.setAttribute("role", "log");
    ui.log.setAttribute("aria-live", "polite");
    ui.log.setAttribute("aria-relevant", "additions");
    ui.log.tabIndex = 0;
    panel.appendChild(ui.log);

    ui.status = el("p", "opastin-status");
    ui.status.setAttribute("role", "status");
    panel.appendChild(ui.status);

    var form = el("form", "opastin-form");
    form.noValidate = true;
    ui.inputLabel = el("label", "opastin-input-label");
    ui.inputLabel.htmlFor = "opastin-input";
    form.appendChild(ui.inputLabel);
    var row = el("div", "opastin-row");
    ui.input = el("textarea", "opastin-input");
    ui.input.id = "opastin-input";
    ui.input.rows = 2;
    ui.input.maxLength = MAX_MESSAGE;
    ui.input.setAttribute("aria-describedby", "opastin-count");
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    ui.input.addEventListener("input", updateCount);
    row.appendChild(ui.input);
    ui.send = el("button", "opastin-send");
    ui.send.type = "submit";
    row.appendChild(ui.send);
    form.appendChild(row);
    ui.count = el("p", "opastin-count");
    ui.count.id = "opastin-count";
    form.appendChild(ui.count);
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
    panel.appendChild(form);

    ui.endButton = el("button", "opastin-end");
    ui.endButton.type = "button";
    ui.endButton.addEventListener("click", showFeedback);
    panel.appendChild(ui.endButton);

    ui.feedback = el("div", "opastin-feedback");
    ui.feedback.hidden = true;
    panel.appendChild(ui.feedback);

    host.appendChild(panel);
  }

  function applyTexts() {
    ui.host.lang = state.lang;
    if (ui.launcher) {
      ui.launcherLabel.textContent = t("open");
      ui.launcher.setAttribute("aria-expanded", String(state.open));
      ui.minimise.textContent = t("minimise");
    }
    ui.title.textContent = t("title");
    ui.langGroup.setAttribute("aria-label", t("language"));
    LANGS.forEach(function (lang) {
      ui.langButtons[lang].setAttribute("aria-pressed", String(lang === state.lang));
    });
    ui.largeButton.textContent = t("larger");
    ui.largeButton.setAttribute("aria-pressed", String(state.large));
    ui.emergency.textContent = t("emergency");
    ui.privacy.textContent = t("privacy");
    ui.log.setAttribute("aria-label", t("title"));
    ui.inputLabel.textContent = t("input");
    ui.send.textContent = t("send");
    ui.endButton.textContent = t("end");
    Array.prototype.forEach.call(ui.log.querySelectorAll("[data-who]"), function (node) {
      node.textContent = t(node.getAttribute("data-who"));
    });
    Array.prototype.forEach.call(ui.log.querySelectorAll(".opastin-choices"), function (node) {
      node.setAttribute("aria-label", t("choices"));
    });
    updateCount();
    if (!ui.feedback.hidden) { renderFeedback(); }
  }

  /** Focus moves only when the person opened the chat, never on page load. */
  function setOpen(open, byPerson) {
    state.open = open;
    if (MODE !== "inline") { save("open", open); }  // a chat opened on one page stays open on the next
    ui.panel.hidden = !open;
    if (ui.launcher) {
      ui.launcher.setAttribute("aria-expanded", String(open));
      ui.launcher.hidden = open;
    }
    if (open) {
      scrollDown();
      connect();
      if (byPerson) { ui.input.focus(); }
    }
  }

  function setLanguage(lang) {
    state.lang = lang;
    save("lang", lang);
    applyTexts();
  }

  function setLarge(large) {
    state.large = large;
    save("large", large);
    ui.host.classList.toggle("opastin-larger", large);
    ui.largeButton.setAttribute("aria-pressed", String(large));
  }

  function updateCount() {
    var length = ui.input.value.length;
    ui.count.textContent = length > MAX_MESSAGE * 0.8 ? length + " / " + MAX_MESSAGE + " " + t("count") : "";
  }

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  // ------------------------------------------------------------------ messages

  function renderEntry(entry, index) {
    var who = entry.from === "user" ? "you" : (entry.from === "agent" ? "agent" : "bot");
    var item = el("div", "opastin-message opastin-" + who);
    var label = el("span", "opastin-who", t(who));
    label.setAttribute("data-who", who);
    item.appendChild(label);
    item.appendChild(entry.from === "user" ? el("p", "opastin-text", entry.text) : richText(entry.text));
    if (entry.buttons && entry.buttons.length) {
      var group = el("div", "opastin-choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("choices"));
      entry.buttons.forEach(function (button, n) {
        var b = el("button", "opastin-choice");
        b.type = "button";
        var number = el("span", "opastin-choice-number", String(n + 1));
        b.appendChild(number);
        b.appendChild(document.createTextNode(" " + button.title));
        b.setAttribute("data-index", String(index));
        b.addEventListener("click", function () { choose(button); });
        group.appendChild(b);
      });
      item.appendChild(group);
    }
    ui.log.appendChild(item);
  }

  function refreshChoices() {
    // Only the newest choices can be chosen: older ones stay visible but are done.
    var newest = -1;
    state.transcript.forEach(function (entry, i) { if (entry.buttons && entry.buttons.length) { newest = i; } });
    Array.prototype.forEach.call(ui.log.querySelectorAll(".opastin-choice"), function (b) {
      b.disabled = Number(b.getAttribute("data-index")) !== newest || newestIsAnswered(newest);
    });
  }

  function newestIsAnswered(index) {
    return state.transcript.slice(index + 1).some(function (entry) { return entry.from === "user"; });
  }

  function add(entry) {
    state.transcript.push(entry);
    if (state.transcript.length > 300) { state.transcript = state.transcript.slice(-300); }
    save("transcript", state.transcript);
    renderEntry(entry, state.transcript.length - 1);
    refreshChoices();
    scrollDown();
  }

  function latestChoices() {
    for (var i = state.transcript.length - 1; i >= 0; i--) {
      var entry = state.transcript[i];
      if (entry.from === "user") { return null; }
      if (entry.buttons && entry.buttons.length) { return entry.buttons; }
    }
    return null;
  }

  function choose(button) {
    send(button.payload, button.title);
  }

  function submit() {
    var text = ui.input.value.trim();
    if (!text) { return; }
    if (text.length > MAX_MESSAGE) { ui.status.textContent = t("tooLong"); return; }
    var choices = latestChoices();
    var number = /^\d{1,2}$/.test(text) ? Number(text) : 0;
    if (choices && number >= 1 && number <= choices.length) {
      ui.input.value = "";
      choose(choices[number - 1]);
      return;
    }
    ui.input.value = "";
    updateCount();
    send(text, text);
  }

  function send(message, shown) {
    hideFeedback();
    add({ from: "user", text: shown });
    ui.status.textContent = t("typing");
    ui.host.classList.add("opastin-busy");
    connect();
    fetch(BASE + "message", {
      method: "POST",
      headers: { "Content-Type": PLAIN },
      body: JSON.stringify({ sender: state.sender, message: message, metadata: { language: state.lang } })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function () {
      ui.status.textContent = "";
    }).catch(function () {
      // Nothing is lost: the text goes back into the box to be sent again.
      if (message === shown && !ui.input.value) { ui.input.value = shown; updateCount(); }
      ui.status.textContent = t("failed");
    }).then(function () {
      ui.host.classList.remove("opastin-busy");
    });
  }

  // ------------------------------------------------------------------ the push stream

  var source = null;

  function connect() {
    if (source) { return; }
    source = new EventSource(BASE + "stream?sender=" + encodeURIComponent(state.sender) + "&since=" + state.lastSeq);
    source.addEventListener("message", function (event) {
      var seq = Number(event.lastEventId || 0);
      if (seq && seq <= state.lastSeq) { return; }
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      state.lastSeq = seq || state.lastSeq;
      save("lastSeq", state.lastSeq);
      add({ from: message.from === "agent" ? "agent" : "bot", text: String(message.text || ""),
            buttons: Array.isArray(message.buttons) ? message.buttons.map(function (b) {
              return { title: String(b.title || ""), payload: String(b.payload || "") };
            }) : [] });
      if (message.custom && message.custom.feedback) { showFeedback(); }
    });
    source.addEventListener("open", function () {
      if (ui.status.textContent === t("offline")) { ui.status.textContent = ""; }
    });
    source.addEventListener("error", function () {
      if (source && source.readyState === EventSource.CONNECTING) { ui.status.textContent = t("offline"); }
    });
  }

  // ------------------------------------------------------------------ feedback at the end

  var rating = 0;

  function showFeedback() {
    rating = 0;
    ui.feedback.hidden = false;
    ui.endButton.hidden = true;
    renderFeedback();
    ui.feedbackHeading.focus();
  }

  function hideFeedback() {
    if (ui.feedback.hidden) { return; }
    ui.feedback.hidden = true;
    ui.endButton.hidden = false;
  }

  function renderFeedback() {
    var box = ui.feedback;
    box.textContent = "";
    ui.feedbackHeading = el("h3", "opastin-feedback-title", t("feedbackQuestion"));
    ui.feedbackHeading.tabIndex = -1;
    box.appendChild(ui.feedbackHeading);
    var choices = el("div", "opastin-ratings");
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-label", t("feedbackQuestion"));
    [[1, "helpful", "👍"], [-1, "notHelpful", "👎"]].forEach(function (spec) {
      var b = el("button", "opastin-rating");
      b.type = "button";
      b.setAttribute("aria-pressed", String(rating === spec[0]));
      var icon = el("span", "opastin-rating-icon", spec[2]);
      icon.setAttribute("aria-hidden", "true");
      b.appendChild(icon);
      b.appendChild(document.createTextNode(t(spec[1])));
      b.addEventListener("click", function () {
        rating = spec[0];
        Array.prototype.forEach.call(choices.children, function (c) { c.setAttribute("aria-pressed", "false"); });
        b.setAttribute("aria-pressed", "true");
      });
      choices.appendChild(b);
    });
    box.appendChild(choices);
    var label = el("label", "opastin-comment-label", t("comment"));
    label.htmlFor = "opastin-comment";
    box.appendChild(label);
    var comment = el("textarea", "opastin-comment");
    comment.id = "opastin-comment";
    comment.rows = 2;
    comment.maxLength = 500;
    box.appendChild(comment);
    var message = el("p", "opastin-feedback-status");
    message.setAttribute("role", "status");
    var actions = el("div", "opastin-row");
    var submitButton = el("button", "opastin-send", t("sendFeedback"));
    submitButton.type = "button";
    submitButton.addEventListener("click", function () {
      if (!rating) { message.textContent = t("chooseRating"); return; }
      fetch(BASE + "feedback", {
        method: "POST", headers: { "Content-Type": PLAIN },
        body: JSON.stringify({ sender: state.sender, rating: rating, comment: comment.value, language: state.lang })
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        finish(t("thanks"));
      }).catch(function () { message.textContent = t("failed"); });
    });
    actions.appendChild(submitButton);
    var skip = el("button", "opastin-secondary", t("skipFeedback"));
    skip.type = "button";
    skip.addEventListener("click", function () { finish(""); });
    actions.appendChild(skip);
    box.appendChild(actions);
    box.appendChild(message);
  }

  /** The conversation ends here: a new one starts with a new id, and nothing of this one stays in the tab. */
  function finish(thanks) {
    var box = ui.feedback;
    box.textContent = "";
    var done = el("p", "opastin-thanks", thanks);
    done.setAttribute("role", "status");
    box.appendChild(done);
    var again = el("button", "opastin-send", t("newChat"));
    again.type = "button";
    again.addEventListener("click", restart);
    box.appendChild(again);
    again.focus();
  }

  function restart() {
    if (source) { source.close(); source = null; }
    state.sender = newSender();
    state.transcript = [];
    state.lastSeq = 0;
    save("sender", state.sender);
    save("transcript", []);
    save("lastSeq", 0);
    ui.log.textContent = "";
    ui.feedback.hidden = true;
    ui.endButton.hidden = false;
    ui.input.focus();
    connect();
  }

  // ------------------------------------------------------------------ start

  /** One tag is the whole embedding: the widget brings its own stylesheet. */
  function addStyles() {
    var present = Array.prototype.some.call(document.querySelectorAll("link[rel=stylesheet]"), function (link) {
      return /opastin\.css(\?|$)/.test(link.href);
    });
    if (!present) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = BASE + "opastin.css";
      document.head.appendChild(link);
    }
  }

  function start() {
    addStyles();
    build();
    applyTexts();
    setLarge(state.large);
    state.transcript.forEach(renderEntry);
    refreshChoices();
    setOpen(state.open, false);
    window.OpastinChat = { renderText: richText, version: "1" };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
