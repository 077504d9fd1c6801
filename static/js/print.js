// Progressive enhancement: a "print" button where JavaScript runs; the browser menu otherwise.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
