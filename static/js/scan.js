// The coordinator's scan desk. A USB scanner types into the focused field and presses Enter;
// the camera reads QR codes with the browser's BarcodeDetector, or the vendored jsQR where
// that is missing (loaded only then). Results come back as JSON, shown big, with the desk's
// tally (已签到 n / m 人) updated, the 现场补位 button offered for a resident who did not sign
// up, and the desk is ready for the next scan at once. Without
// JavaScript the form posts and the page reloads.
// A form marked data-scan-plain (the supermarket counter) just posts what the camera read.
(function () {
  var form = document.querySelector("form[data-scan-form]");
  if (!form || !window.fetch) return;
  var input = form.elements.code;
  var plain = form.hasAttribute("data-scan-plain");
  var box = document.querySelector("[data-scan-result]");
  var title = box && box.querySelector("[data-scan-title]");
  var detail = box && box.querySelector("[data-scan-detail]");
  var counts = document.querySelector("[data-scan-counts]");
  var walkIn = document.querySelector("form[data-walk-in]");
  var busy = false, lastCode = "", lastAt = 0;

  function show(data) {
    box.className = "scan-result " + (data.ok ? "scan-ok" : "scan-bad");
    title.textContent = (data.ok ? "✔ " : "✖ ") + data.title;
    detail.textContent = data.detail || "";
    if (counts && data.counts) counts.textContent = data.counts; // the tally, with this scan
    if (walkIn) { // 现场补位: a resident who did not sign up, on a shift with the form
      walkIn.hidden = !data.walk_in;
      walkIn.elements.user_id.value = data.walk_in ? data.user_id : "";
    }
    if (navigator.vibrate) navigator.vibrate(data.ok ? 80 : [60, 60, 60]);
  }

  function send(code, fromCamera) {
    var now = Date.now();
    // The camera sees the same code many times a second; a typed or USB scan is deliberate.
    if (busy || !code || (fromCamera && code === lastCode && now - lastAt < 3000)) return;
    busy = true; lastCode = code; lastAt = now;
    if (plain) { // requestSubmit fires the submit event, which net.js holds back offline
      input.value = code; busy = false;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
      return;
    }
    var body = new FormData(form);
    body.set("code", code);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () {
        show(navigator.onLine === false
          ? { ok: false, title: "离线：这次扫码没有记录", detail: "请等页面显示“在线”后再扫一次。" }
          : { ok: false, title: "网络不稳定，请再扫一次", detail: "" });
      })
      .then(function () { busy = false; input.value = ""; input.focus(); });
  }

  if (!plain) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(input.value.trim(), false);
    });
  }

  var start = document.querySelector("[data-camera-start]");
  if (!start || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  start.hidden = false;
  start.addEventListener("click", function () {
    var video = document.querySelector("[data-camera-video]");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        document.querySelector("[data-camera]").hidden = false;
        start.hidden = true;
        return video.play().then(function () { return decoder(start.getAttribute("data-jsqr")); });
      })
      .then(function (decode) {
        (function tick() {
          decode(video).then(function (text) { if (text) send(text, true); })
            .catch(function () {})
            .then(function () { setTimeout(tick, 250); });
        })();
      })
      .catch(function () { start.textContent = "无法打开摄像头，请用扫码枪或手工输入"; });
  });

  function decoder(jsqrUrl) {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function (video) {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      });
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = jsqrUrl;
      script.onload = function () {
        var canvas = document.createElement("canvas");
        var context = canvas.getContext("2d", { willReadFrequently: true });
        resolve(function (video) {
          canvas.width = video.videoWidth; canvas.height = video.videoHeight;
          if (!canvas.width) return Promise.resolve(null);
          context.drawImage(video, 0, 0);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var found = window.jsQR(image.data, image.width, image.height);
          return Promise.resolve(found ? found.data : null);
        });
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
})();
