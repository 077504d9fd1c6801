// The connection state a scanning page always shows ([data-net-state]: 在线 or 离线), and the
// service worker that keeps the page for a reload without signal (/offline/sw.js). Nothing
// to switch on by hand: the browser's online and offline events drive it. While offline, a
// form that would go to the server is held back with a plain message ([data-net-message])
// instead of the browser's error page; nothing is sent, so nothing happens twice.
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
  var message = document.querySelector("[data-net-message]");
  document.addEventListener("submit", function (event) {
    if (navigator.onLine !== false || event.defaultPrevented) return;
    event.preventDefault();
    if (message) message.hidden = false;
  });
  window.addEventListener("online", function () { if (message) message.hidden = true; });
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
