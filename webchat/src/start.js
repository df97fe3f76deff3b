  // ------------------------------------------------------------------ start
  // This part comes last: start() may run at once, and it needs every variable above already set.

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
