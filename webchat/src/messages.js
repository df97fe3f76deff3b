  // ------------------------------------------------------------------ messages

  function renderEntry(entry, index) {
    if (entry.from === "notice") {  // from the widget itself, e.g. that a new conversation started
      var note = el("p", "opastin-note", t(entry.key));
      note.setAttribute("data-note", entry.key);
      ui.log.appendChild(note);
      return;
    }
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
