  /* The staff console: log in, see the county's queue and callbacks, take a conversation and answer it.
     Texts from people are shown as text (textContent), never as HTML. The server wraps this file in a
     function with the texts of texts/ui.yml (section console) as TEXTS (opastin/channels/assets.py). */

  var API = "api/";
  var HEADERS = { "Content-Type": "application/json", "X-Opastin-Console": "1" };
  var lang = (function () { try { return localStorage.getItem("opastin.console.lang") || "fi"; } catch (e) { return "fi"; } })();
  var me = null;
  var current = null;
  var source = null;

  function $(id) { return document.getElementById(id); }
  function t(key) { return TEXTS[lang][key]; }
  function el(tag, text) { var n = document.createElement(tag); if (text !== undefined) { n.textContent = text; } return n; }

  function api(path, body) {
    var options = body === undefined ? { credentials: "same-origin" }
      : { method: "POST", headers: HEADERS, body: JSON.stringify(body), credentials: "same-origin" };
    return fetch(API + path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { var error = new Error(data.error || String(response.status)); error.status = response.status; throw error; }
        return data;
      });
    });
  }

  function applyTexts() {
    document.documentElement.lang = lang;
    $("ui-lang").value = lang;
    [["title", "title"], ["ui-lang-label", "lang"], ["logout", "logout"], ["login-title", "loginTitle"],
     ["username-label", "username"], ["password-label", "password"], ["login-button", "login"],
     ["queue-title", "queue"], ["queue-empty", "queueEmpty"], ["callbacks-title", "callbacks"],
     ["callbacks-empty", "callbacksEmpty"], ["chat-title", "chat"], ["transcript-title", "transcript"],
     ["live-title", "live"], ["reply-label", "reply"], ["reply-button", "send"], ["return", "giveBack"],
     ["close", "close"], ["rating-label", "rating"], ["rate-button", "rate"], ["figures-title", "figures"],
     ["figures-month-label", "figuresMonth"], ["figures-button", "figuresShow"]].forEach(function (pair) {
      $(pair[0]).textContent = t(pair[1]);
    });
    document.title = t("title");
    if (me) { refresh(); if ($("figures").childNodes.length) { showFigures(); } }
  }

  /** The county's figures for the chosen month, as tables: every count comes already shown ("< 5" for 1–4). */
  function showFigures() {
    var month = $("figures-month").value;
    $("figures-status").textContent = "";
    return api("figures?month=" + encodeURIComponent(month) + "&lang=" + lang).then(function (data) {
      var out = $("figures");
      out.textContent = "";
      out.appendChild(el("h3", data.heading));
      var keys = el("dl");
      data.key_figures.forEach(function (pair) { keys.appendChild(el("dt", pair[0])); keys.appendChild(el("dd", pair[1])); });
      out.appendChild(keys);
      out.appendChild(el("p", data.note));
      data.tables.forEach(function (table) {
        var node = el("table");
        node.appendChild(el("caption", table.title));
        var head = node.appendChild(el("thead")).appendChild(el("tr"));
        table.headings.forEach(function (name) { head.appendChild(el("th", name)).scope = "col"; });
        var body = node.appendChild(el("tbody"));
        table.rows.forEach(function (row) {
          var tr = body.appendChild(el("tr"));
          tr.appendChild(el("th", row[0])).scope = "row";
          tr.appendChild(el("td", row[1]));
        });
        out.appendChild(el("p", table.summary));
        out.appendChild(node);
      });
    }).catch(function (error) {
      if (error.status === 401) { logout(); } else { $("figures-status").textContent = t("figuresFailed"); }
    });
  }

  function show(loggedIn) {
    $("login").hidden = loggedIn;
    $("desk").hidden = !loggedIn;
    $("logout").hidden = !loggedIn;
    $("who").textContent = loggedIn ? me.name + " (" + me.county + ")" : "";
  }

  /** Who is waiting and about what: language, municipality, on whose behalf, topic. */
  function describe(c) {
    return [t("language") + ": " + String(c.language).toUpperCase(),
            t("municipality") + ": " + (c.municipality || "–"),
            t("role") + ": " + ((c.role && t("roles." + c.role)) || "–"),
            t("topic") + ": " + (c.topic ? String(c.topic).replace(/_/g, " ") : "–")];
  }

  function minutesSince(iso) { return Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000)) + " min"; }

  function refresh() {
    return api("queue").then(function (data) {
      var list = $("queue");
      list.textContent = "";
      data.conversations.forEach(function (c) {
        var item = el("li");
        var status = c.status === "waiting" ? t("waiting") : t("active");
        var line = [status].concat(describe(c), [t("waited") + " " + minutesSince(c.created)]).join(" · ");
        item.appendChild(el("span", line));
        if (c.urgent) { item.appendChild(el("p", t("urgent"))).className = "urgent"; }
        var button = el("button", c.status === "waiting" ? t("take") : t("open"));
        button.type = "button";
        button.addEventListener("click", function () { c.status === "waiting" ? take(c.id) : openChat(c.id); });
        item.appendChild(button);
        list.appendChild(item);
      });
      $("queue-empty").hidden = data.conversations.length > 0;
      var callbacks = $("callbacks");
      callbacks.textContent = "";
      data.callbacks.forEach(function (c) {
        var item = el("li");
        item.appendChild(el("span", [c.phone, t("windows." + c.window) || c.window, c.language, c.topic].join(" · ")));
        var button = el("button", t("done"));
        button.type = "button";
        button.addEventListener("click", function () { api("callbacks/" + c.id + "/done", {}).then(refresh); });
        item.appendChild(button);
        callbacks.appendChild(item);
      });
      $("callbacks-empty").hidden = data.callbacks.length > 0;
    }).catch(function (error) { if (error.status === 401) { logout(); } });
  }

  function take(id) {
    api("conversations/" + id + "/take", {}).then(function () { openChat(id); refresh(); })
      .catch(function () { $("chat-status").textContent = t("failed"); refresh(); });
  }

  function line(parent, who, text) {
    var p = el("p");
    var name = el("strong", t(who) + ": ");
    p.appendChild(name);
    p.appendChild(document.createTextNode(text));
    parent.appendChild(p);
    parent.scrollTop = parent.scrollHeight;
  }

  function openChat(id) {
    api("conversations/" + id).then(function (data) {
      current = data.id;
      $("chat").hidden = false;
      $("rate").hidden = true;
      $("chat-status").textContent = "";
      $("chat-meta").textContent = describe(data).join(" · ");
      $("transcript").textContent = "";
      data.transcript.forEach(function (m) { line($("transcript"), m.from === "person" ? "person" : "bot", m.text); });
      $("live").textContent = "";
      data.messages.forEach(function (m) { line($("live"), m.author === "agent" ? "agent" : "person", m.text); });
      $("reply-text").focus();
    });
  }

  function end(verb) {
    if (!current) { return; }
    api("conversations/" + current + "/" + verb, {}).then(function () {
      $("chat-status").textContent = t("ended");
      $("rate").hidden = false;
      $("rating").focus();
      refresh();
    }).catch(function () { $("chat-status").textContent = t("failed"); });
  }

  function connect() {
    if (source) { source.close(); }
    source = new EventSource(API + "stream");
    source.addEventListener("console", function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "message" && data.handoff === current) {
        line($("live"), data.author === "agent" ? "agent" : "person", data.text);
      }
      refresh();
    });
  }

  function start() {
    me = null;
    return api("me").then(function (data) { me = data; show(true); refresh(); connect(); })
      .catch(function () { show(false); });
  }

  function logout() {
    api("logout", {}).catch(function () {}).then(function () { me = null; current = null; if (source) { source.close(); } show(false); });
  }

  $("ui-lang").addEventListener("change", function () {
    lang = $("ui-lang").value;
    try { localStorage.setItem("opastin.console.lang", lang); } catch (e) { /* no storage */ }
    applyTexts();
  });
  $("login").addEventListener("submit", function (event) {
    event.preventDefault();
    api("login", { username: $("username").value, password: $("password").value })
      .then(function () { $("password").value = ""; $("login-status").textContent = ""; return start(); })
      .catch(function (error) { $("login-status").textContent = t(error.status === 429 ? "loginLocked" : "loginFailed"); });
  });
  $("logout").addEventListener("click", logout);
  $("figures-form").addEventListener("submit", function (event) { event.preventDefault(); showFigures(); });
  // This month in Finnish time (UTC would still say last month on the 1st before 02:00/03:00); sv-SE writes 2026-12-07.
  $("figures-month").value = new Date().toLocaleDateString("sv-SE", { timeZone: "Europe/Helsinki" }).slice(0, 7);
  $("reply").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("reply-text").value.trim();
    if (!text || !current) { return; }
    api("conversations/" + current + "/messages", { text: text }).then(function () { $("reply-text").value = ""; })
      .catch(function () { $("chat-status").textContent = t("failed"); });
  });
  $("reply-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("reply-button").click(); }
  });
  $("return").addEventListener("click", function () { end("return"); });
  $("close").addEventListener("click", function () { end("close"); });
  $("rate-button").addEventListener("click", function () {
    api("conversations/" + current + "/rating", { rating: Number($("rating").value) })
      .then(function () { $("chat-status").textContent = t("rated"); $("rate").hidden = true; });
  });

  applyTexts();
  start();
  // The queue is pushed as it changes; this also keeps the waiting times current.
  window.setInterval(function () { if (me) { refresh(); } }, 30000);
