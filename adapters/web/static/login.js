"use strict";
(function () {
  const p = new URLSearchParams(location.search);
  const e = document.getElementById("error");
  if (p.get("error") === "wrong-token") {
    e.textContent = "That token is not right.";
    e.hidden = false;
  } else if (p.get("error")) {
    e.textContent = "Could not log in. Try again.";
    e.hidden = false;
  }
  document.getElementById("token").focus();
})();
