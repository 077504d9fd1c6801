// Filing a matter: an optional map point from the phone. Without JavaScript (or without
// location) the button stays hidden and the place in words is enough.
(function () {
  var box = document.querySelector("[data-locate]");
  if (!box || !navigator.geolocation) return;
  var form = box.closest("form"), status = box.querySelector("[data-locate-status]");
  box.hidden = false;
  box.querySelector("[data-locate-button]").addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      status.textContent = status.getAttribute("data-done");
    }, function () {
      status.textContent = status.getAttribute("data-failed");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
