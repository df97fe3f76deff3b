  // ------------------------------------------------------------------ feedback at the end

  var rating = 0;

  function showFeedback() {
    rating = 0;
    ui.feedback.hidden = false;
    ui.endButton.hidden = true;
    renderFeedback();
    ui.feedbackHeading.focus();
  }

  function hideFeedback() {
    if (ui.feedback.hidden) { return; }
    ui.feedback.hidden = true;
    ui.endButton.hidden = false;
  }

  function renderFeedback() {
    var box = ui.feedback;
    box.textContent = "";
    ui.feedbackHeading = el("h3", "opastin-feedback-title", t("feedbackQuestion"));
    ui.feedbackHeading.tabIndex = -1;
    box.appendChild(ui.feedbackHeading);
    var choices = el("div", "opastin-ratings");
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-label", t("feedbackQuestion"));
    [[1, "helpful", "👍"], [-1, "notHelpful", "👎"]].forEach(function (spec) {
      var b = el("button", "opastin-rating");
      b.type = "button";
      b.setAttribute("aria-pressed", String(rating === spec[0]));
      var icon = el("span", "opastin-rating-icon", spec[2]);
      icon.setAttribute("aria-hidden", "true");
      b.appendChild(icon);
      b.appendChild(document.createTextNode(t(spec[1])));
      b.addEventListener("click", function () {
        rating = spec[0];
        Array.prototype.forEach.call(choices.children, function (c) { c.setAttribute("aria-pressed", "false"); });
        b.setAttribute("aria-pressed", "true");
      });
      choices.appendChild(b);
    });
    box.appendChild(choices);
    var label = el("label", "opastin-comment-label", t("comment"));
    label.htmlFor = "opastin-comment";
    box.appendChild(label);
    var comment = el("textarea", "opastin-comment");
    comment.id = "opastin-comment";
    comment.rows = 2;
    comment.maxLength = 500;
    box.appendChild(comment);
    var message = el("p", "opastin-feedback-status");
    message.setAttribute("role", "status");
    var actions = el("div", "opastin-row");
    var submitButton = el("button", "opastin-send", t("sendFeedback"));
    submitButton.type = "button";
    submitButton.addEventListener("click", function () {
      if (!rating) { message.textContent = t("chooseRating"); return; }
      var used = null;
      session().then(function (token) {
        used = token;
        return fetch(BASE + "feedback", {
          method: "POST", cache: "no-store", headers: authorised(token, { "Content-Type": PLAIN }),
          body: JSON.stringify({ rating: rating, comment: comment.value, language: state.lang })
        });
      }).then(function (response) {
        if (response.status === 401) { conversationLost(used); return; }
        if (!response.ok) { throw new Error(String(response.status)); }
        finish(t("thanks"));
      }).catch(function () { message.textContent = t("failed"); });
    });
    actions.appendChild(submitButton);
    var skip = el("button", "opastin-secondary", t("skipFeedback"));
    skip.type = "button";
    skip.addEventListener("click", function () { finish(""); });
    actions.appendChild(skip);
    box.appendChild(actions);
    box.appendChild(message);
  }

  /** The conversation ends here: a new one starts with a new id and token, and nothing of this one stays in the tab. */
  function finish(thanks) {
    var box = ui.feedback;
    box.textContent = "";
    var done = el("p", "opastin-thanks", thanks);
    done.setAttribute("role", "status");
    box.appendChild(done);
    var again = el("button", "opastin-send", t("newChat"));
    again.type = "button";
    again.addEventListener("click", restart);
    box.appendChild(again);
    again.focus();
  }

  /** A new conversation: the server gives it a new id and token when the person next writes. */
  function restart() {
    forgetConversation();
    ui.input.focus();
  }
