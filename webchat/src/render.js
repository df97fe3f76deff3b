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
