  // ------------------------------------------------------------------ sending, and the push stream

  /** Shows the person's message and sends it; `again` is the one retry after the server refused the token. */
  function send(message, shown, again) {
    hideFeedback();
    ui.status.textContent = t("typing");
    ui.host.classList.add("opastin-busy");
    var used = null;
    session().then(function (token) {
      used = token;
      add({ from: "user", text: shown });
      connect();
      return fetch(BASE + "message", {
        method: "POST",
        cache: "no-store",
        headers: authorised(token, { "Content-Type": PLAIN }),
        body: JSON.stringify({ message: message, metadata: { language: state.lang } })
      });
    }).then(function (response) {
      if (response.status === 401 && !again) {  // expired, or the server's key changed: a new conversation
        conversationLost(used);
        return "again";
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (result) {
      ui.host.classList.remove("opastin-busy");
      if (result === "again") { send(message, shown, true); return; }
      ui.status.textContent = "";
    }).catch(function () {
      // Nothing is lost: the text goes back into the box to be sent again.
      ui.host.classList.remove("opastin-busy");
      if (message === shown && !ui.input.value) { ui.input.value = shown; updateCount(); }
      ui.status.textContent = t("failed");
    });
  }

  // The push stream is read with fetch(), not EventSource: an EventSource cannot send the token in a
  // header. The Server-Sent Events (id:, event:, data:, retry:, and ": comments") are parsed here.

  var stream = null;  // the AbortController of the open (or opening) stream
  var retryTimer = null;
  var serverRetry = 2000;  // ms, as the server's "retry:" says
  var failures = 0;  // failed connections in a row: the wait doubles with each (at most 30 s)

  /** Opens the stream with the token kept (renewing is left to the person's next message, so that an idle
   *  tab starts no conversations); the server ends it when that token expires, and it is opened again. */
  function connect() {
    if (stream || retryTimer || !state.token) { return; }  // no conversation yet: the first message starts one
    var controller = new AbortController();
    var used = state.token;
    stream = controller;
    fetch(BASE + "stream?since=" + encodeURIComponent(String(state.lastSeq)), {
      cache: "no-store",
      headers: authorised(used, { Accept: "text/event-stream" }),
      signal: controller.signal
    }).then(function (response) {
      if (response.status === 401) { return "lost"; }
      if (!response.ok || !response.body) { throw new Error(String(response.status)); }
      failures = 0;
      if (ui.status.textContent === t("offline")) { ui.status.textContent = ""; }
      return readEvents(response.body.getReader());
    }).then(function (result) {
      if (stream !== controller) { return; }  // closed on purpose meanwhile: a new conversation
      if (result === "lost") {
        stream = null;
        conversationLost(used);  // unless a renewed token came meanwhile,
        connect();  // with which the stream opens again (without one, the next message starts a conversation)
      } else {
        reconnect(controller, false);  // the server ended it (its restart, the token's end): come back
      }
    }, function () {
      reconnect(controller, true);
    });
  }

  function reconnect(controller, failed) {
    if (stream !== controller) { return; }  // closed on purpose: a new conversation
    stream = null;
    if (failed) { failures += 1; }
    ui.status.textContent = t("offline");
    var wait = Math.min(30000, serverRetry * Math.pow(2, Math.min(failures, 5)));
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      connect();
    }, wait / 2 + Math.random() * wait / 2);  // spread out, so that a restarted server is not hit by all at once
  }

  function closeStream() {
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    if (stream) {
      var controller = stream;
      stream = null;
      controller.abort();
    }
  }

  /** Reads Server-Sent Events until the stream ends; each complete "message" event goes to receive(). */
  function readEvents(reader) {
    var decoder = new TextDecoder();
    var buffer = "";
    var event = { id: "", type: "", data: [] };

    function line(text) {
      if (text === "") {
        if (event.data.length && (event.type || "message") === "message") { receive(event.id, event.data.join("\n")); }
        event = { id: "", type: "", data: [] };
        return;
      }
      if (text.charAt(0) === ":") { return; }  // a comment: the server's keep-alive
      var colon = text.indexOf(":");
      var field = colon < 0 ? text : text.slice(0, colon);
      var value = colon < 0 ? "" : text.slice(colon + 1).replace(/^ /, "");
      if (field === "data") { event.data.push(value); }
      else if (field === "event") { event.type = value; }
      else if (field === "id") { event.id = value; }
      else if (field === "retry" && /^\d+$/.test(value)) { serverRetry = Math.max(500, Number(value)); }
    }

    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { return "ended"; }
        buffer += decoder.decode(chunk.value, { stream: true });
        // A "\r" at the very end may be the first half of "\r\n": it waits for the next chunk.
        var lines = buffer.split(/\r\n|\r(?!$)|\n/);
        buffer = lines.pop();
        lines.forEach(line);
        return pump();
      });
    }
    return pump();
  }

  function receive(id, data) {
    var seq = Number(id || 0);
    if (seq && seq <= state.lastSeq) { return; }
    var message;
    try { message = JSON.parse(data); } catch (e) { return; }
    state.lastSeq = seq || state.lastSeq;
    save("lastSeq", state.lastSeq);
    add({ from: message.from === "agent" ? "agent" : "bot", text: String(message.text || ""),
          buttons: Array.isArray(message.buttons) ? message.buttons.map(function (b) {
            return { title: String(b.title || ""), payload: String(b.payload || "") };
          }) : [] });
    if (message.custom && message.custom.feedback) { showFeedback(); }
  }
