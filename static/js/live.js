// The live roster refreshes itself every 10 seconds (the refresh button works without JS).
(function () {
  var box = document.querySelector("[data-live]");
  if (!box || !window.fetch) return;
  setInterval(function () {
    if (box.querySelector("details[open]") || document.activeElement.closest("[data-live]")) {
      return; // the coordinator is typing a correction: do not pull the form away
    }
    fetch(box.getAttribute("data-live-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) box.innerHTML = html; })
      .catch(function () {});
  }, 10000);
})();
