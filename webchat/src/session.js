  // ------------------------------------------------------------------ the conversation's token
  // The server chooses the conversation and signs it (POST session): only this tab can read or write it.
  // The token goes with every request as "Authorization: Bearer …", never in a URL (addresses end up in
  // logs, histories and Referer headers). Past half its life it is renewed for the same conversation;
  // one the server refuses (expired, or the server's key changed) means a new conversation.

  var pending = null;  // the request for a token under way: whoever needs one meanwhile waits for the same

  /** A promise of a good token: the kept one, a renewed one, or a new conversation's. */
  function session() {
    if (state.token && Date.now() < state.renewAt) { return Promise.resolve(state.token); }
    if (!pending) {
      var current = state.token;
      pending = requestSession(current).catch(function (error) {
        if (current && current === state.token) { return current; }  // renewal failed: the old one still works
        throw error;
      }).then(function (token) {
        pending = null;
        return token;
      }, function (error) {
        pending = null;
        throw error;
      });
    }
    return pending;
  }

  function requestSession(current) {
    return fetch(BASE + "session", {
      method: "POST",
      cache: "no-store",
      headers: current ? { Authorization: "Bearer " + current } : {}
    }).then(function (response) {
      if (response.status === 401 && current) {  // too old to renew: start afresh
        conversationLost(current);
        return requestSession(null);
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json().then(adopt);
    });
  }

  function adopt(body) {
    if (body.sender !== state.sender) {
      state.lastSeq = 0;  // a new conversation's stream starts from its beginning
      save("lastSeq", 0);
    }
    state.sender = body.sender;
    state.token = body.token;
    state.renewAt = Date.now() + Number(body.expires_in) * 500;
    save("sender", state.sender);
    save("token", state.token);
    save("renewAt", state.renewAt);
    return state.token;
  }

  /** Headers with the token, for a request of this conversation. */
  function authorised(token, headers) {
    var all = headers || {};
    all.Authorization = "Bearer " + token;
    return all;
  }

  /** Forgets the conversation of this tab: its token, messages and stream; a new one starts when needed. */
  function forgetConversation() {
    closeStream();
    state.sender = null;
    state.token = null;
    state.renewAt = 0;
    state.transcript = [];
    state.lastSeq = 0;
    ["sender", "token", "renewAt"].forEach(function (name) { save(name, null); });
    save("transcript", []);
    save("lastSeq", 0);
    ui.log.textContent = "";
    ui.feedback.hidden = true;
    ui.endButton.hidden = false;
  }

  /** The server refused `token` (expired, or not the server's): the person is told a new conversation starts. */
  function conversationLost(token) {
    if (!token || token !== state.token) { return; }  // already handled for this token
    forgetConversation();
    add({ from: "notice", key: "expired" });
  }
