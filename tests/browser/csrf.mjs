// The cross-site attacks of goldfish's security review, played in real
// Chromium: an "attacker" page on another site sends forms to goldfish, and
// goldfish must refuse every one (403) while its own pages keep working.
//
//   node csrf.mjs http://127.0.0.1:PORT
//
// The attacker is a small web server started here on another port, visited
// as http://localhost:PORT2/ — `localhost` and `127.0.0.1` are different
// sites to a browser, so Chromium marks the attacker's requests to goldfish
// `Sec-Fetch-Site: cross-site` and sends its own `Origin`. Each check prints
// `ok   <name>` or `FAIL <name>: <why>`; the exit status is 1 if any failed.

import { chromium } from "playwright-core";
import { createServer } from "node:http";

const base = process.argv.slice(2).find((a) => /^https?:\/\//.test(a));
if (!base) {
  console.error("usage: node csrf.mjs http://127.0.0.1:PORT");
  process.exit(2);
}
const goldfish = (path) => new URL(path, base).href;

const WATCHDOG_MS = 90_000;
setTimeout(() => {
  console.log(`FAIL watchdog: the CSRF checks took longer than ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS).unref();

class CheckError extends Error {}
function expect(cond, why) {
  if (!cond) throw new CheckError(why);
}

// --- the attacker's site ----------------------------------------------------

/** An HTML page with one auto-submitting form: what an attacker serves. */
function attackPage(method, target, fields) {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
    .join("");
  return `<!doctype html><html><body><h1>You won a prize!</h1>
<form id="f" method="${method}" action="${goldfish(target)}">${inputs}</form>
<script>document.getElementById("f").submit();</script></body></html>`;
}

const attacks = new Map(); // path on the attacker's site -> HTML
const attacker = createServer((req, res) => {
  const html = attacks.get(req.url);
  res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
  res.end(html ?? "no such attack");
});
await new Promise((ok) => attacker.listen(0, "127.0.0.1", ok));
const evil = (path) => `http://localhost:${attacker.address().port}${path}`;

// --- helpers ----------------------------------------------------------------

/** Visits the attack page and waits until its form's answer has loaded;
 * returns goldfish's response to the forged request. */
async function runAttack(page, name, method, target, fields) {
  attacks.set(`/${name}`, attackPage(method, target, fields));
  const answered = page.waitForResponse((r) => r.url().startsWith(goldfish(target.split("?")[0])));
  await page.goto(evil(`/${name}`));
  const resp = await answered;
  await page.waitForLoadState("load");
  return resp;
}

/** The cookies Chromium holds for goldfish's host, by name. */
async function goldfishCookies(context) {
  const jar = await context.cookies(base);
  return Object.fromEntries(jar.map((c) => [c.name, c.value]));
}

/** A goldfish page, as the learner opens it. */
async function visit(page, path) {
  const resp = await page.goto(goldfish(path));
  expect(resp && resp.status() < 400, `GET ${path} answered ${resp?.status()}`);
  return resp;
}

// --- the checks ---------------------------------------------------------------

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check("session fixation through the lab: another site cannot plant a sid cookie", async (page, context) => {
  const resp = await runAttack(page, "fixation", "post", "/cookies", {
    name: "sid", value: "66HKNS62HPwALahE6VueYwfkfd447inOJH4jxkj8sAM", path: "/", max_age: "86400", httponly: "on",
  });
  expect(resp.status() === 403, `goldfish answered the forged lab POST with ${resp.status()}, expected 403`);
  const headers = await resp.allHeaders();
  expect(!("set-cookie" in headers), `the 403 still set a cookie: ${headers["set-cookie"]}`);
  const cookies = await goldfishCookies(context);
  expect(!("sid" in cookies), `Chromium now holds sid=${cookies.sid} for goldfish`);
  const body = await page.locator("body").innerText();
  expect(body.includes("cross-site request forgery"), "the 403 page does not explain CSRF");
});

check("cookie tossing to other ports: the lab cannot be used to set csrftoken for 127.0.0.1", async (page, context) => {
  const resp = await runAttack(page, "tossing", "post", "/cookies", {
    name: "csrftoken", value: "attacker-chosen-token", path: "/",
  });
  expect(resp.status() === 403, `answered ${resp.status()}, expected 403`);
  const cookies = await goldfishCookies(context);
  expect(!("csrftoken" in cookies), "Chromium now holds the attacker's csrftoken for 127.0.0.1 (every port)");
});

check("the victim's signed session is not clobbered by a cross-site POST /responses", async (page, context) => {
  // The victim uses goldfish: a session with an answer in it.
  await visit(page, "/responses");
  await page.locator('input[name="answer"]').fill("victim-answer-1");
  await Promise.all([page.waitForURL(/\/responses$/), page.locator('form[action="/responses"] button[type="submit"]').first().click()]);
  const before = (await goldfishCookies(context)).session;
  expect(before, "the victim has no session cookie after answering");
  const resp = await runAttack(page, "clobber", "post", "/responses", { answer: "injected-by-attacker" });
  expect(resp.status() === 403, `answered ${resp.status()}, expected 403`);
  const after = (await goldfishCookies(context)).session;
  expect(after === before, "the victim's session cookie was replaced");
  await visit(page, "/responses");
  const main = await page.locator("main").innerText();
  expect(main.includes("victim-answer-1") && !main.includes("injected-by-attacker"),
    `the victim's list changed: ${JSON.stringify(main.slice(0, 300))}`);
});

check("login CSRF: /session's install action from another site is refused", async (page, context) => {
  await visit(page, "/some-route"); // the victim's own session: fav_number 42
  const before = (await goldfishCookies(context)).session;
  const resp = await runAttack(page, "login", "post", "/session", {
    action: "install", cookie: "eyJmYXZfbnVtYmVyIjoxMzM3fQ.awtdTg.ATTACKERSIGNEDSESSIONxxxx",
  });
  expect(resp.status() === 403, `answered ${resp.status()}, expected 403`);
  const after = (await goldfishCookies(context)).session;
  expect(after === before, `the session cookie was replaced by ${after}`);
});

check("a cross-site link to /handle-form-cookie cannot set fav_color", async (page, context) => {
  const resp = await runAttack(page, "getset", "get", "/handle-form-cookie", { fav_color: "attacker" });
  expect(resp.status() === 403, `answered ${resp.status()}, expected 403`);
  expect(!("fav_color" in (await goldfishCookies(context))), "fav_color was set by another site");
});

check("goldfish's own forms still work: the lab sets a cookie from its own page", async (page, context) => {
  await visit(page, "/cookies");
  const form = page.locator('form[action="/cookies"]');
  await form.locator('input[name="name"]').fill("own");
  await form.locator('input[name="value"]').fill("yes");
  const answered = page.waitForResponse((r) => r.url() === goldfish("/cookies") && r.request().method() === "POST");
  await form.getByRole("button", { name: "Send Set-Cookie" }).click();
  const resp = await answered;
  expect(resp.status() < 400, `the lab's own POST answered ${resp.status()}`);
  await page.waitForLoadState("load");
  expect((await goldfishCookies(context)).own === "yes", "the lab's own form did not set its cookie");
});

// --- run ------------------------------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failed = 0;
for (const { name, fn } of checks) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await fn(page, context);
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof CheckError ? e.message : e.stack}`);
  } finally {
    await context.close();
  }
}
await browser.close();
attacker.close();
console.log(failed ? `csrf: ${failed} of ${checks.length} checks failed` : `csrf: all ${checks.length} checks passed`);
process.exit(failed ? 1 : 0);
