"use strict";
// Shared helpers of the tokenbot pages. Every text from the server is put in
// the page with textContent: nothing is parsed as HTML.
window.TB = (function () {
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") n.className = v;
      else if (k === "text") n.textContent = v;
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(n.dataset, v);
      else n.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }

  async function api(method, path, body) {
    const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-Tokenbot-Request"] = "1";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(path, opts);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = new Error((data && data.error) || tr("request_failed", { status: res.status }));
      err.status = res.status;
      err.code = data && data.code;
      throw err;
    }
    return data;
  }

  const emoji = { ":warning:": "⚠", ":rotating_light:": "⚠", ":lock:": "", ":white_check_mark:": "✓" };

  // inline renders *bold*, _italic_, `code` and links of one line of text.
  function inline(text) {
    const frag = document.createDocumentFragment();
    text = text.replace(/:[a-z_]+:/g, (m) => emoji[m] || m);
    const re = /(`[^`\n]+`)|(\*[^*\n]+\*)|(\b_[^_\n]+_\b)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) frag.append(text.slice(last, m.index));
      const t = m[0];
      if (m[1]) frag.append(el("code", { text: t.slice(1, -1) }));
      else if (m[2]) frag.append(el("strong", { text: t.slice(1, -1) }));
      else if (m[3]) frag.append(el("em", { text: t.slice(1, -1) }));
      else frag.append(el("a", { href: t, target: "_blank", rel: "noopener noreferrer", text: t }));
      last = m.index + t.length;
    }
    if (last < text.length) frag.append(text.slice(last));
    return frag;
  }

  // rich renders light Markdown: ``` blocks ``` and inline marks.
  function rich(text) {
    const frag = document.createDocumentFragment();
    const parts = String(text || "").split("```");
    parts.forEach((p, i) => {
      if (i % 2 === 1) frag.append(el("pre", { text: p.replace(/^\n/, "").replace(/\n$/, "") }));
      else if (p) frag.append(inline(p));
    });
    return frag;
  }

  function group(n) { return Number(n || 0).toLocaleString("en-US"); }
  function usd(v) {
    if (!v) return "$0";
    if (v < 0.000001) return "<$0.000001";
    if (v < 1) return "$" + v.toFixed(6);
    return "$" + v.toFixed(2);
  }
  function pct(v) {
    const p = v * 100;
    if (p === 0) return "0%";
    if (p < 0.01) return "<0.01%";
    if (p < 10) return p.toFixed(2) + "%";
    return p.toFixed(1) + "%";
  }
  function short(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + "M";
    if (n >= 1e3) return Math.round(n / 1e3) + "k";
    return String(n);
  }
  function time(t) {
    const d = new Date(t);
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  function dateTime(t) {
    const d = new Date(t);
    return isNaN(d) ? "" : d.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  const marks = { " ": "·", "\t": "→", "\n": "↵", "\r": "␍" };

  // tokenSpan shows one token with its whitespace made visible.
  function tokenSpan(p, i) {
    const s = el("span", { class: "tok c" + (i % 10) + (p.partial ? " partial" : ""), title: tr("tok.tooltip", { n: i + 1, id: p.id }), dataset: { id: p.id } });
    let buf = "";
    for (const ch of p.text) {
      if (marks[ch]) {
        if (buf) { s.append(buf); buf = ""; }
        s.append(el("span", { class: "ws", text: marks[ch] }));
        if (ch === "\n") s.append("\n");
      } else buf += ch;
    }
    if (buf) s.append(buf);
    return s;
  }

  // report renders a /tokens report: counts, token boundaries, counts per
  // encoding, and the estimated cost and context share per model.
  function report(rep, opts) {
    opts = opts || {};
    const root = el("div", { class: "report" });
    const enc = rep.pieces_encoding || (rep.models && rep.models[0] && rep.models[0].encoding) || (rep.encodings[0] && rep.encodings[0].name);
    const cur = (rep.encodings || []).find((e) => e.name === enc) || { tokens: 0, chars_per_token: 0 };
    const head = el("div", { class: "card" });
    head.append(el("div", { class: "stats" },
      el("div", { class: "stat" }, el("span", { class: "n tok-count", text: group(cur.tokens), dataset: { count: cur.tokens, encoding: enc } }), el("span", { class: "l", text: tr("tok.tokens", { encoding: enc }) })),
      el("div", { class: "stat" }, el("span", { class: "n", text: group(rep.chars) }), el("span", { class: "l", text: tr("tok.chars") })),
      el("div", { class: "stat" }, el("span", { class: "n", text: group(rep.bytes) }), el("span", { class: "l", text: tr("tok.bytes") })),
      el("div", { class: "stat" }, el("span", { class: "n", text: (cur.chars_per_token || 0).toFixed(2) }), el("span", { class: "l", text: tr("tok.rate") }))));
    if (opts.onEncoding) {
      const seg = el("div", { class: "seg encodings", role: "group", "aria-label": tr("tok.encoding") });
      for (const e of opts.encodings || rep.encodings.map((x) => x.name)) {
        seg.append(el("button", { type: "button", class: e === enc ? "active" : "", dataset: { encoding: e }, text: e, onclick: () => opts.onEncoding(e) }));
      }
      head.append(seg);
    }
    if (rep.pieces && rep.pieces.length) {
      const box = el("div", { class: "tokens", "aria-label": tr("tok.boundaries") });
      rep.pieces.forEach((p, i) => box.append(tokenSpan(p, i)));
      head.append(box);
      if (rep.pieces_truncated) head.append(el("p", { class: "truncated", text: tr("tok.truncated", { shown: group(rep.pieces.length), total: group(cur.tokens) }) }));
    }
    root.append(head);

    const encTable = el("table", { class: "enc-table" }, el("thead", {}, el("tr", {}, el("th", { text: tr("tok.encoding") }), el("th", { class: "num", text: tr("tok.th_tokens") }), el("th", { class: "num", text: tr("tok.th_rate") }))));
    const eb = el("tbody");
    for (const e of rep.encodings || []) {
      eb.append(el("tr", { class: e.name === enc ? "current" : "" }, el("td", { class: "mono", text: e.name }), el("td", { class: "num", text: group(e.tokens) }), el("td", { class: "num", text: e.chars_per_token.toFixed(2) })));
    }
    encTable.append(eb);
    root.append(el("div", { class: "card" }, el("h3", { text: tr("tok.per_encoding") }), encTable));

    if (rep.models && rep.models.length) {
      const t = el("table", { class: "cost-table" }, el("thead", {}, el("tr", {},
        el("th", { text: tr("tok.model") }), el("th", { class: "num", text: tr("tok.th_tokens") }), el("th", { class: "num", text: tr("tok.input") }),
        el("th", { class: "num", text: tr("tok.output") }), el("th", { text: tr("tok.window") }), el("th", { text: tr("tok.count") }))));
      const tb = el("tbody");
      let estimates = [];
      for (const m of rep.models) {
        const fill = el("div", { class: "fill" + (m.context_share > 0.8 ? " hot" : "") });
        fill.style.width = Math.min(100, m.context_share * 100).toFixed(3) + "%";
        const badge = m.exact ? el("span", { class: "badge exact", text: tr("tok.exact") }) : el("span", { class: "badge estimate", text: tr("tok.estimate"), title: m.estimate || tr("tok.stand_in") });
        if (!m.exact && m.estimate && !estimates.includes(m.estimate)) estimates.push(m.estimate);
        tb.append(el("tr", { dataset: { model: m.model } },
          el("td", {}, el("strong", { text: m.model }), el("div", { class: "note", text: m.provider + " · " + m.encoding })),
          el("td", { class: "num", text: (m.exact ? "" : "~") + group(m.tokens) }),
          el("td", { class: "num", text: "≈ " + usd(m.input_cost_usd) }),
          el("td", { class: "num", text: "≈ " + usd(m.output_cost_usd) }),
          el("td", {}, el("div", { class: "share" }, el("div", { class: "bar", role: "img", "aria-label": tr("tok.share_of_window", { share: pct(m.context_share) }) }, fill), el("span", { class: "note", text: tr("tok.share_of", { share: pct(m.context_share), window: short(m.context_window) }) }))),
          el("td", {}, badge)));
      }
      t.append(tb);
      const card = el("div", { class: "card" }, el("h3", { text: tr("tok.cost_title") }), el("div", { class: "scroll" }, t));
      const note = tr("tok.cost_note", { asof: opts.pricesAsOf ? tr("tok.as_of", { date: opts.pricesAsOf }) : "" });
      card.append(el("p", { class: "note", text: note }));
      for (const e of estimates) card.append(el("p", { class: "note", text: "~ " + e }));
      root.append(card);
    }
    return root;
  }

  // The pages' own labels come from the message catalogue in the
  // browser's language (GET /api/texts); loadTexts also relabels every
  // element with a data-t id (with fill), every field with a
  // data-t-placeholder id and every element with a data-t-aria id (its
  // aria-label). An element keeps its text when the id is missing.
  let texts = {};
  async function loadTexts() {
    try {
      const v = await api("GET", "/api/texts?lang=" + encodeURIComponent(navigator.language || ""));
      texts = v.texts || {};
      document.documentElement.lang = v.lang === "zh" ? "zh-Hans" : v.lang;
    } catch (e) { texts = {}; }
    for (const n of document.querySelectorAll("[data-t]")) {
      if (texts[n.dataset.t] !== undefined) fill(n, n.dataset.t);
    }
    for (const n of document.querySelectorAll("[data-t-placeholder]")) {
      if (texts[n.dataset.tPlaceholder] !== undefined) n.placeholder = tr(n.dataset.tPlaceholder);
    }
    for (const n of document.querySelectorAll("[data-t-aria]")) {
      if (texts[n.dataset.tAria] !== undefined) n.setAttribute("aria-label", tr(n.dataset.tAria));
    }
  }

  // tr is the label id with its {fields} filled in; trn picks the form
  // for the number n (id.one for 1, id.other else, id when the language
  // has one form).
  function tr(id, fields) {
    const s = texts[id] !== undefined ? texts[id] : id;
    return s.replace(/\{(\w+)\}/g, (m, k) => (fields && k in fields ? String(fields[k]) : m));
  }
  function trn(n, id, fields) {
    const form = id + (n === 1 ? ".one" : ".other");
    return tr(texts[form] !== undefined ? form : id, fields);
  }

  // fill makes the label id the content of the element n. A {field} of
  // the label becomes fields[field] (a node, or text), else n's own
  // child marked data-field="field", kept as it is: so a <code> or an
  // <input> inside a label stays where the language puts it.
  function fill(n, id, fields) {
    const s = texts[id] !== undefined ? texts[id] : id;
    const own = {};
    for (const c of n.querySelectorAll("[data-field]")) own[c.dataset.field] = c;
    const parts = s.split(/\{(\w+)\}/).map((p, i) => {
      if (i % 2 === 0) return p;
      if (fields && p in fields) return fields[p] instanceof Node ? fields[p] : String(fields[p]);
      return own[p] || "{" + p + "}";
    });
    n.replaceChildren(...parts.filter((p) => p !== ""));
  }

  return { el, api, rich, report, group, usd, pct, short, time, dateTime, loadTexts, tr, trn, fill };
})();
