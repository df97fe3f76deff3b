  // ------------------------------------------------------------------ state kept for this tab
  // sessionStorage: the conversation survives a reload and other pages of the site, and is gone
  // when the tab closes (a shared library computer keeps nothing). The conversation's token is kept
  // here too, never in localStorage (which other tabs share and which outlives the tab).

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

  function pageLanguage() {
    var forced = script.getAttribute("data-lang");
    var lang = (forced || document.documentElement.lang || "fi").slice(0, 2).toLowerCase();
    return LANGS.indexOf(lang) >= 0 ? lang : "fi";
  }

  var state = {
    sender: load("sender", null),  // the server chooses it (POST session): null until the first message
    token: load("token", null),  // proves the conversation is this tab's: sent as Authorization, never in a URL
    renewAt: load("renewAt", 0),  // when the token is past half its life (this browser's clock, ms)
    lang: load("lang", null) || pageLanguage(),
    transcript: load("transcript", []),
    lastSeq: load("lastSeq", 0),
    open: MODE === "inline" || load("open", false),
    large: load("large", false)
  };

  /** A text of texts/ui.yml (section webchat) in the chat's language; the server puts TEXTS in. */
  function t(name) { return TEXTS[state.lang][name]; }
