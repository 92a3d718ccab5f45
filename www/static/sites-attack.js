// The fetch of the SameSite lesson's attack pages: sent as the page loads,
// with credentials, in no-cors mode (the response is opaque to this page,
// but the request — with whatever cookies the browser attaches — reaches
// goldfish all the same).
const target = document.getElementById("via-fetch");
if (target) {
  target.textContent = "sending…";
  fetch(target.dataset.url, { credentials: "include", mode: "no-cors" })
    .then(() => { target.textContent = "sent (the response is opaque to this page)"; target.dataset.done = "yes"; })
    .catch((e) => { target.textContent = `failed: ${e}`; target.dataset.done = "failed"; });
}
