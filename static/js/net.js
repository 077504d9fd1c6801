// The connection state a scanning page always shows ([data-net-state]: 在线 or 离线), and the
// service worker that keeps the page for a reload without signal (/offline/sw.js). Nothing
// to switch on by hand: the browser's online and offline events drive it.
(function () {
  var badge = document.querySelector("[data-net-state]");
  function update() {
    if (!badge) return;
    var online = navigator.onLine !== false;
    badge.textContent = online ? badge.getAttribute("data-online")
                               : badge.getAttribute("data-offline");
    badge.className = "badge " + (online ? "badge-ok" : "badge-full");
    badge.hidden = false;
  }
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
  var worker = document.querySelector("[data-service-worker]");
  if (worker && navigator.serviceWorker) {
    navigator.serviceWorker.register(worker.getAttribute("data-service-worker"),
                                     { scope: worker.getAttribute("data-scope") })
      .catch(function () { /* an old browser keeps working online, as before */ });
  }
})();
