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

  /** A text of texts/ui.yml (section webchat) in the chat's language; the server puts TEXTS in. */
  function t(name) { return TEXTS[state.lang][name]; }
