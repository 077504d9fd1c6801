// Reload images marked data-refresh-seconds (rotating QR codes) without reloading the page.
document.querySelectorAll("img[data-refresh-seconds]").forEach(function (img) {
  var base = img.getAttribute("src").split("?")[0];
  var seconds = parseInt(img.getAttribute("data-refresh-seconds"), 10) || 30;
  setInterval(function () { img.src = base + "?t=" + Date.now(); }, seconds * 1000);
});
