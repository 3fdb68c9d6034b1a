"use strict";
(async function () {
  const { loadTexts, tr } = window.TB;
  document.getElementById("token").focus();
  await loadTexts();
  const p = new URLSearchParams(location.search);
  const e = document.getElementById("error");
  if (p.get("error") === "wrong-token") {
    e.textContent = tr("login_wrong");
    e.hidden = false;
  } else if (p.get("error")) {
    e.textContent = tr("login_failed");
    e.hidden = false;
  }
})();
