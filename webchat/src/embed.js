  /*
   * Opastin web chat. A county embeds it with one tag:
   *   <script src="https://ASSISTANT/webhooks/webchat/opastin.js" defer></script>
   * Options (data- attributes on that tag):
   *   data-mode="inline"   render into <div id="opastin-chat"> instead of a floating chat button
   *   data-lang="sv"       force the language (default: the page's <html lang>, then Finnish)
   * Plain JavaScript, no build step and no third-party code: the server joins the files of webchat/src/
   * into one script, in the order opastin/channels/assets.py declares, with the texts of texts/ui.yml
   * as TEXTS. Every text from the server is put into the page as text (textContent), never as HTML:
   * links and phone numbers are made into elements.
   */

  // This part comes first: document.currentScript is only set while the script's first run lasts.
  var script = document.currentScript;
  var BASE = script.src.replace(/[^/]*$/, "");
  var MODE = script.getAttribute("data-mode") || "launcher";
  var KEY = "opastin.";
  var MAX_MESSAGE = 2000;
  var LANGS = ["fi", "sv", "en"];
  // JSON is sent as text/plain (the server reads the body as JSON whatever its type), so that the only
  // reason for a CORS preflight from a county's site is the token's Authorization header.
  var PLAIN = "text/plain;charset=UTF-8";
