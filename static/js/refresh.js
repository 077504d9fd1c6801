// Reload images marked data-refresh-seconds (rotating QR codes) without reloading the page.
// The words that are true only now that the image refreshes itself ([data-refresh-auto], hidden
// in the HTML) show, and the manual way ([data-refresh-manual], for pages without JS) hides.
document.querySelectorAll("img[data-refresh-seconds]").forEach(function (img) {
  var base = img.getAttribute("src").split("?")[0];
  var seconds = parseInt(img.getAttribute("data-refresh-seconds"), 10) || 30;
  setInterval(function () { img.src = base + "?t=" + Date.now(); }, seconds * 1000);
});
document.querySelectorAll("[data-refresh-auto]").forEach(function (el) { el.hidden = false; });
document.querySelectorAll("[data-refresh-manual]").forEach(function (el) { el.hidden = true; });
