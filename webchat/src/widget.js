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
      var b = el("button", "opastin-lang", TEXTS[lang].languageName);
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
    Array.prototype.forEach.call(ui.log.querySelectorAll("[data-note]"), function (node) {
      node.textContent = t(node.getAttribute("data-note"));
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
