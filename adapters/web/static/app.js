"use strict";
(function () {
  const { el, api, rich, report, time, loadTexts, tr, fill } = window.TB;
  const $ = (id) => document.getElementById(id);
  const state = { session: null, channel: "general", sig: "", sending: false, tokEncoding: "", tokSeq: 0 };

  function showError(msg) {
    const e = $("error");
    e.textContent = msg || "";
    e.hidden = !msg;
  }

  function initials(name) { return (name || "?").trim().slice(0, 1).toUpperCase() || "?"; }

  function answerView(a, fallback, labels) {
    if (!a || !a.answered) return el("div", { class: "body" }, rich(fallback));
    const label = (k) => (labels && labels[k]) || k;
    const box = el("div", { class: "answer", dataset: { topic: a.id, lang: a.lang } },
      el("div", { class: "answer-title", text: a.title }),
      el("div", { class: "body" }, rich(a.answer)));
    if (a.related && a.related.length) {
      const rel = el("div", { class: "related" }, el("span", { class: "label", text: label("related") }));
      for (const t of a.related) rel.append(el("button", { type: "button", class: "chip", text: t.title, dataset: { topic: t.id }, onclick: () => send(t.title) }));
      box.append(rel);
    }
    const meta = [label("topic") + ": " + a.id];
    box.append(el("div", { class: "answer-meta" }, meta.join(" · "), a.sources && a.sources[0] ? [" · ", el("a", { href: a.sources[0], target: "_blank", rel: "noopener noreferrer", text: label("source") })] : null));
    return box;
  }

  function tokensView(m) {
    const wrap = el("div");
    const before = (m.text || "").split("```")[0].trim();
    if (before) wrap.append(el("div", { class: "warning" }, rich(before)));
    wrap.append(report(m.tokens, { pricesAsOf: state.session && state.session.prices_as_of }));
    return wrap;
  }

  function messageView(m) {
    const classes = ["msg", m.bot ? "bot" : "user", m.kind];
    if (m.private) classes.push("private");
    if (m.level) classes.push("level-" + m.level);
    const badges = [];
    if (m.kind === "removed") badges.push(el("span", { class: "badge removed", text: tr("removed") }));
    if (m.private) badges.push(el("span", { class: "badge private", text: tr(m.via === "direct_message" ? "private_dm" : "private") }));
    if (m.kind === "command") badges.push(el("span", { class: "badge", text: tr("command") }));
    let body;
    if (m.kind === "removed") body = el("div", { class: "body removed-notice", text: m.text });
    else if (m.tokens) body = tokensView(m);
    else if (m.answer) body = answerView(m.answer, m.text, m.labels);
    else body = el("div", { class: "body" }, rich(m.text));
    // The core says how urgent a message is; the page marks it.
    if (m.level && m.kind !== "removed") body.prepend(el("span", { class: "mark", text: m.level === "alert" ? "🚨 " : "⚠️ ", "aria-label": tr(m.level === "alert" ? "alert" : "warning") }));
    return el("li", { class: classes.join(" "), dataset: { id: m.id, kind: m.kind } },
      el("div", { class: "avatar", text: m.bot ? "◆" : initials(m.author), "aria-hidden": "true" }),
      el("div", { class: "main" },
        el("div", { class: "meta" }, el("span", { class: "author", text: m.mine ? tr("you", { name: m.author }) : m.author }), el("span", { class: "time", text: time(m.time) }), badges),
        el("div", { class: "bubble" }, body)));
  }

  function render(view) {
    const list = $("messages");
    const sig = view.messages.map((m) => m.id + ":" + m.kind).join(",");
    if (sig === state.sig && list.childElementCount) return;
    state.sig = sig;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.replaceChildren(...view.messages.map(messageView));
    if (!view.messages.length) {
      list.append(el("li", { class: "empty", text: state.channel === state.session.channel ? tr("empty_channel", { command: "/tokens" }) : tr("empty_security") }));
    }
    if (atBottom || state.forceScroll) list.scrollTop = list.scrollHeight;
    state.forceScroll = false;
  }

  async function load() {
    try {
      render(await api("GET", "/api/messages?channel=" + encodeURIComponent(state.channel)));
    } catch (e) {
      showError(e.message);
    }
  }

  async function send(text) {
    if (!text.trim() || state.sending) return;
    state.sending = true;
    $("send").disabled = true;
    showError("");
    if (state.channel !== state.session.channel) selectChannel(state.session.channel);
    try {
      const view = await api("POST", "/api/messages", { text, name: $("name").value });
      state.forceScroll = true;
      render(view);
    } catch (e) {
      showError(e.message);
    } finally {
      state.sending = false;
      $("send").disabled = false;
    }
  }

  function selectChannel(ch) {
    state.channel = ch;
    state.sig = "";
    for (const b of document.querySelectorAll(".chan")) b.classList.toggle("active", b.dataset.channel === ch);
    $("chan-title").textContent = "# " + ch;
    const main = ch === state.session.channel;
    if (main) fill($("chan-desc"), "channel_desc", { command: el("code", { text: "/tokens <text>", translate: "no" }) });
    else fill($("chan-desc"), "security_desc");
    $("text").placeholder = tr("composer", { channel: ch });
    $("composer").hidden = !main;
    load();
  }

  function channels() {
    const s = state.session;
    const ul = $("channels");
    ul.replaceChildren(el("li", {}, el("button", { type: "button", class: "chan active", dataset: { channel: s.channel }, text: "# " + s.channel, onclick: () => selectChannel(s.channel) })));
    if (s.security_channel) {
      ul.append(el("li", {}, el("button", {
        type: "button", class: "chan", dataset: { channel: s.security_channel }, disabled: !s.admin,
        title: tr(s.admin ? "security_title" : "security_locked"),
        text: "# " + s.security_channel + (s.admin ? "" : " 🔒"), onclick: () => selectChannel(s.security_channel),
      })));
    }
  }

  async function tokenize() {
    const text = $("tok-text").value;
    const out = $("tok-out");
    const seq = ++state.tokSeq;
    if (!text) { out.replaceChildren(); return; }
    try {
      const res = await api("POST", "/api/tokens", { text, encoding: state.tokEncoding || undefined });
      if (seq !== state.tokSeq) return;
      const nodes = [];
      if (res.warning) nodes.push(el("div", { class: "warning" }, rich(res.warning)));
      nodes.push(report(res.report, {
        encodings: res.encodings, pricesAsOf: state.session.prices_as_of,
        onEncoding: (e) => { state.tokEncoding = e; tokenize(); },
      }));
      out.replaceChildren(...nodes);
    } catch (e) {
      if (seq === state.tokSeq) out.replaceChildren(el("p", { class: "error", text: e.message }));
    }
  }

  async function init() {
    await loadTexts();
    $("text").placeholder = tr("composer", { channel: state.channel });
    $("name").value = localStorage.getItem("tokenbot.name") || "";
    $("name").addEventListener("change", () => localStorage.setItem("tokenbot.name", $("name").value.trim()));
    try {
      state.session = await api("GET", "/api/session");
    } catch (e) {
      showError(e.message);
      return;
    }
    state.channel = state.session.channel;
    $("text").placeholder = tr("composer", { channel: state.channel });
    channels();
    $("composer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const t = $("text");
      const text = t.value;
      // The box is emptied before anything else: a pasted key must not
      // linger in the page.
      t.value = "";
      send(text);
    });
    $("text").addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $("composer").requestSubmit();
      }
    });
    for (const b of document.querySelectorAll(".try")) b.addEventListener("click", () => send(b.dataset.try));
    let timer = 0;
    $("tok-text").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(tokenize, 200); });
    $("tok-text").value = "Hello, world! An API key unlocks your account;\ttokens are how models count text.\n你好，世界！";
    tokenize();
    await load();
    setInterval(() => { if (!state.sending && !document.hidden) load(); }, 3000);
  }

  init();
})();
