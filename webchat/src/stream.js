  // ------------------------------------------------------------------ sending, and the push stream

  function send(message, shown) {
    hideFeedback();
    add({ from: "user", text: shown });
    ui.status.textContent = t("typing");
    ui.host.classList.add("opastin-busy");
    connect();
    // The conversation also in the address: a load balancer keeps one conversation on one server.
    fetch(BASE + "message?sender=" + encodeURIComponent(state.sender), {
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
