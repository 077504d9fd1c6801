// Progressive enhancement: a "copy" button for a read-only link. Without JavaScript the
// link is still selectable by a long press; the button stays hidden.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var input = document.getElementById(button.getAttribute("data-copy"));
  if (!input) { return; }
  function selectAll() { input.focus(); input.setSelectionRange(0, input.value.length); }
  function done() { button.textContent = button.getAttribute("data-done"); }
  input.addEventListener("focus", selectAll);
  button.hidden = false;
  button.addEventListener("click", function () {
    selectAll();
    // The Clipboard API needs HTTPS; WeChat and older Android WebViews only know execCommand.
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, selectAll);
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
});
