// The cookie lab: show what JavaScript can see of this page's cookies.
// document.cookie lists every cookie for this page *except* HttpOnly ones,
// which is the whole point of HttpOnly.
(function () {
  "use strict";
  var box = document.getElementById("js-cookies");
  if (!box) return;
  function show() {
    var all = document.cookie;
    var text = all === ""
      ? "(document.cookie is empty: no cookies, or only HttpOnly ones)"
      : all.split("; ").join("\n");
    // Only on a change: the box is aria-live, and a screen reader would
    // otherwise read it out every second.
    if (box.textContent !== text) box.textContent = text;
  }
  show();
  // Cookies change while the page is open (Max-Age running out, another tab).
  setInterval(show, 1000);
})();
