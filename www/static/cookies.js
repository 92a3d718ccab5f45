// The cookie lab: show what JavaScript can see of this page's cookies.
// document.cookie lists every cookie for this page *except* HttpOnly ones,
// which is the whole point of HttpOnly.
(function () {
  "use strict";
  var box = document.getElementById("js-cookies");
  if (!box) return;
  function show() {
    var all = document.cookie;
    box.textContent = all === ""
      ? "(document.cookie is empty: no cookies, or only HttpOnly ones)"
      : all.split("; ").join("\n");
  }
  show();
  // Cookies can change while the page is open (Max-Age running out, another tab).
  setInterval(show, 1000);
})();
