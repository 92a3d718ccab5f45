// /storage: localStorage and sessionStorage, side by side.
// localStorage belongs to the origin and survives restarts; sessionStorage
// belongs to one tab. Neither is ever sent to the server by the browser.
(function () {
  "use strict";
  var KEY = "fav-color";
  var input = document.getElementById("storage-value");
  var localBox = document.getElementById("local-value");
  var sessionBox = document.getElementById("session-value");
  var saw = document.getElementById("server-saw");
  var xray = document.getElementById("xray-request");
  if (!input || !localBox || !sessionBox) return;

  function show(box, value) {
    box.textContent = value === null ? "(nothing stored)" : JSON.stringify(value);
  }

  function refresh() {
    var local = window.localStorage.getItem(KEY);
    var session = window.sessionStorage.getItem(KEY);
    show(localBox, local);
    show(sessionBox, session);
    // Did the request that loaded this page carry either value? It cannot:
    // storage never leaves the browser on its own. Check the X-ray's bytes.
    var head = xray ? xray.textContent : "";
    var lines = [];
    [local, session].forEach(function (v) {
      if (v !== null && v !== "") {
        var seen = head.indexOf(v) !== -1 || head.indexOf(encodeURIComponent(v)) !== -1;
        lines.push(JSON.stringify(v) + (seen
          ? " appears in the request head below (it is also in a cookie or the URL, not because of storage)."
          : " does not appear in the request the server received."));
      }
    });
    if (saw) saw.textContent = lines.length ? "The server's view: " + lines.join(" ") : "";
  }

  document.getElementById("save-local").addEventListener("click", function () {
    window.localStorage.setItem(KEY, input.value);
    refresh();
  });
  document.getElementById("save-session").addEventListener("click", function () {
    window.sessionStorage.setItem(KEY, input.value);
    refresh();
  });
  document.getElementById("clear-both").addEventListener("click", function () {
    window.localStorage.removeItem(KEY);
    window.sessionStorage.removeItem(KEY);
    refresh();
  });
  refresh();
})();
