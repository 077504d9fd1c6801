// Self check-in: submit at once (one scan is enough); where the place has a geofence, ask the
// browser for its location first. Without JavaScript the big button does the same.
(function () {
  var form = document.querySelector("form[data-auto-checkin]");
  if (!form) return;
  function send() { form.submit(); }
  if (!form.hasAttribute("data-needs-location")) { send(); return; }
  if (!navigator.geolocation) { return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.lat.value = pos.coords.latitude;
    form.elements.lng.value = pos.coords.longitude;
    send();
  }, function () {
    var hint = document.querySelector("[data-location-hint]");
    if (hint) hint.textContent += " (" + "location unavailable" + ")";
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
