"use strict";
(function () {
  const { el, api, group, dateTime, loadTexts, tr, trn } = window.TB;
  const $ = (id) => document.getElementById(id);
  const outcomes = ["deleted", "warned", "escalated", "failed", "pending", "allowed"];
  const colours = { deleted: "#4338ca", warned: "#f79009", escalated: "#d92d20", failed: "#7a271a", pending: "#98a2b3", allowed: "#12b76a" };

  function showError(msg) {
    const e = $("error");
    e.textContent = msg || "";
    e.hidden = !msg;
  }

  // outcome is an audit outcome's label: its own, or the outcome as the
  // server names it when the catalogue has none.
  function outcome(o) {
    const id = "outcome." + o;
    return tr(id) === id ? o : tr(id);
  }

  function counter(n, label, id) {
    return el("div", { class: "counter", id }, el("span", { class: "n", text: n }), el("span", { class: "l", text: label }));
  }

  function uptime(sec) {
    sec = Math.floor(sec || 0);
    if (sec < 60) return tr("uptime_seconds", { s: sec });
    if (sec < 3600) return tr("uptime_minutes", { m: Math.floor(sec / 60) });
    if (sec < 86400) return tr("uptime_hours", { h: Math.floor(sec / 3600), m: Math.floor((sec % 3600) / 60) });
    return tr("uptime_days", { d: Math.floor(sec / 86400), h: Math.floor((sec % 86400) / 3600) });
  }

  function hbars(target, entries, empty) {
    const box = $(target);
    if (!entries.length) { box.replaceChildren(el("p", { class: "note", text: empty })); return; }
    const max = Math.max(...entries.map((e) => e[1]));
    box.replaceChildren(...entries.map(([name, n, cls]) => {
      const fill = el("div", { class: "fill" + (cls ? " " + cls : "") });
      fill.style.width = (max ? (n / max) * 100 : 0).toFixed(2) + "%";
      return el("div", { class: "hbar", dataset: { name } }, el("span", { class: "name", title: name, text: name }), el("div", { class: "bar" }, fill), el("span", { class: "num", text: group(n) }));
    }));
  }

  function sorted(obj) { return Object.entries(obj || {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])); }

  // chart draws takedowns per bucket as bars stacked by outcome.
  function chart(stats) {
    const t = stats.takedowns;
    const canvas = $("chart");
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || 600, h = canvas.clientHeight || 240;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const step = (t.bucket_seconds || 3600) * 1000;
    const since = Math.floor(new Date(stats.since).getTime() / step) * step;
    const now = new Date(stats.now).getTime();
    const byStart = new Map(t.buckets.map((b) => [Math.floor(new Date(b.start).getTime() / step) * step, b]));
    const slots = [];
    for (let s = since; s <= now; s += step) slots.push({ start: s, b: byStart.get(s) });
    const max = Math.max(1, ...slots.map((x) => (x.b ? x.b.total : 0)));
    const left = 34, right = 8, top = 10, bottom = 24;
    const pw = w - left - right, ph = h - top - bottom;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#667085";
    ctx.strokeStyle = "#e4e7ee";
    ctx.lineWidth = 1;
    const ticks = Math.min(max, 4);
    for (let i = 0; i <= ticks; i++) {
      const v = Math.round((max * i) / ticks);
      const y = top + ph - (v / max) * ph;
      ctx.beginPath(); ctx.moveTo(left, Math.round(y) + 0.5); ctx.lineTo(w - right, Math.round(y) + 0.5); ctx.stroke();
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      ctx.fillText(String(v), left - 6, y);
    }
    const bw = pw / slots.length;
    let total = 0, bars = 0;
    slots.forEach((slot, i) => {
      const x = left + i * bw;
      if (slot.b && slot.b.total) {
        bars++;
        let y = top + ph;
        for (const o of outcomes) {
          const n = (slot.b.by_outcome || {})[o] || 0;
          if (!n) continue;
          total += n;
          const bh = (n / max) * ph;
          ctx.fillStyle = colours[o];
          ctx.fillRect(x + Math.max(1, bw * 0.15), y - bh, Math.max(2, bw * 0.7), bh);
          y -= bh;
        }
      }
      const every = Math.ceil(slots.length / 8);
      if (i % every === 0) {
        const d = new Date(slot.start);
        const label = t.bucket_seconds >= 86400 ? d.toLocaleDateString([], { month: "short", day: "numeric" }) : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        ctx.fillStyle = "#667085"; ctx.textBaseline = "top";
        const tw = ctx.measureText(label).width;
        ctx.textAlign = "left";
        ctx.fillText(label, Math.min(x + 2, w - right - tw), top + ph + 6);
      }
    });
    canvas.dataset.total = String(total);
    canvas.dataset.bars = String(bars);
    canvas.setAttribute("aria-label", tr("chart", { total: group(total) }));
    const legend = $("legend");
    legend.replaceChildren(...outcomes.filter((o) => t.by_outcome[o]).map((o) => el("span", {}, el("i", { class: o }), outcome(o) + " " + t.by_outcome[o])));
    if (!total) legend.replaceChildren(el("span", { text: tr("no_takedowns_range") }));
  }

  // revisions is the cell of the edits recorded against a takedown: how
  // many, and the last of them (the unedited message when it came late);
  // empty when there were none.
  function revisions(e) {
    const n = e.later_revisions || 0;
    if (!n) return el("td", { class: "revisions" });
    const last = e.last_revision ? tr("last_revision", { revision: e.last_revision }) : tr("last_original");
    return el("td", { class: "revisions num", title: last, dataset: { revisions: String(n) }, text: group(n) });
  }

  function audit(entries) {
    const tb = $("audit").querySelector("tbody");
    if (!entries.length) {
      tb.replaceChildren(el("tr", {}, el("td", { colspan: 9, class: "note", text: tr("no_takedowns") })));
      return;
    }
    tb.replaceChildren(...entries.map((e) => el("tr", { dataset: { outcome: e.outcome } },
      el("td", { text: dateTime(e.time) }),
      el("td", { text: e.platform }),
      el("td", { text: e.channel }),
      el("td", { class: "mono", text: e.poster || "" }),
      el("td", { text: e.provider }),
      el("td", {}, el("code", { text: e.masked })),
      el("td", { class: "mono", title: e.fingerprint, text: (e.fingerprint || "").slice(0, 12) }),
      el("td", {}, el("span", { class: "outcome " + e.outcome, title: e.detail || "", text: outcome(e.outcome) })),
      revisions(e))));
  }

  function unanswered(list) {
    const ul = $("unanswered");
    if (!list.length) { ul.replaceChildren(el("li", { class: "note", text: tr("all_answered") })); return; }
    ul.replaceChildren(...list.map((q) => el("li", {},
      el("span", { class: "q", lang: q.lang === "zh" ? "zh-Hans" : "en", text: q.text }),
      el("span", { class: "c", text: (q.count > 1 ? "×" + q.count + " · " : "") + q.platform + " #" + q.channel + " · " + dateTime(q.time) }))));
  }

  async function load() {
    try {
      const range = $("range").value;
      const [stats, aud] = await Promise.all([api("GET", "/api/stats?range=" + encodeURIComponent(range)), api("GET", "/api/audit?limit=25")]);
      showError("");
      const s = stats.since_start;
      // "1 takedown", "2 takedowns": the label agrees with its number.
      const cs = [counter(group(stats.takedowns.total), trn(stats.takedowns.total, "takedowns_in_range"), "c-range")];
      if (s) {
        cs.push(counter(group(s.events), trn(s.events, "events_since_start"), "c-events"),
          counter(group(s.takedowns), trn(s.takedowns, "takedowns_since_start"), "c-takedowns"),
          counter(group(s.faq_hits), trn(s.faq_hits, "questions_answered"), "c-hits"),
          counter(group(s.faq_misses), trn(s.faq_misses, "questions_not_answered"), "c-misses"),
          counter(uptime(s.uptime_seconds), tr("uptime"), "c-uptime"));
      }
      $("counters").replaceChildren(...cs);
      chart(stats);
      hbars("by-provider", sorted(stats.takedowns.by_provider), tr("no_takedowns_range"));
      hbars("by-platform", sorted(stats.takedowns.by_platform), "—");
      hbars("by-channel", stats.takedowns.by_channel.map((c) => [c.platform + " #" + c.channel, c.count]), "—");
      hbars("by-outcome", sorted(stats.takedowns.by_outcome).map(([o, n]) => [outcome(o), n, o === "escalated" || o === "failed" ? "hot" : ""]), "—");
      audit(aud.entries);
      unanswered(stats.unanswered || []);
      document.body.dataset.loaded = "1";
    } catch (e) {
      if (e.status === 401) { location.href = "/login"; return; }
      showError(e.message);
    }
  }

  async function init() {
    await loadTexts();
    try {
      const s = await api("GET", "/api/session");
      $("logout").hidden = !s.admin_required;
    } catch (e) { /* the stats call reports errors */ }
    $("range").addEventListener("change", load);
    window.addEventListener("resize", () => load());
    await load();
    setInterval(() => { if (!document.hidden) load(); }, 10000);
  }

  init();
})();
