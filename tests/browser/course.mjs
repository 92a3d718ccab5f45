// The course, walked as a learner walks it, in Debian's headless Chromium:
//
//   node course.mjs http://127.0.0.1:PORT
//
// 1. From `/`, click the one `<a rel="next">` of every page until
//    `/compare`: each lesson page says "Lesson N of T", N counts up by one,
//    and the walk visits T lessons. On each lesson it does what the page
//    asks and answers every "Predict, then observe" question by observing
//    (OBSERVE below: one function per question id; a question with no
//    function here fails the walk, and so does a lesson with no script).
// 2. Every page the walk reaches gets axe-core (WCAG 2.2 A and AA rules):
//    no serious or critical violation. No script error, no console error,
//    no failed or 4xx/5xx subresource, on any page.
// 3. At 375 px wide, no page scrolls sideways.
// 4. "Start over" (POST /reset) empties the jar and storage.
// 5. The review's corrected statements (C1–C19), one check each.
//
// Prints `ok   <name>` / `FAIL <name>: <why>` per check and exits 1 on any
// failure; run.sh calls it.

import { chromium } from "playwright-core";
import { siteLessons } from "./sites-course.mjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const args = process.argv.slice(2);
const base = args.find((a) => /^https?:\/\//.test(a));
if (!base) {
  console.error("usage: node course.mjs http://127.0.0.1:PORT");
  process.exit(2);
}
const url = (path) => new URL(path, base).href;
const WATCHDOG_MS = 300_000;
setTimeout(() => {
  console.log(`FAIL watchdog: the course checks took longer than ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS).unref();

class CheckError extends Error {}
function expect(cond, why) {
  if (!cond) throw new CheckError(why);
}
const show = (s) => JSON.stringify(s.length > 200 ? s.slice(0, 200) + "…" : s);
const text = (page, sel) => page.locator(sel).first().innerText();
const xray = (page) => text(page, "#xray-request");
const cookieLine = (head) => head.split("\n").filter((l) => /^cookie:/i.test(l)).join("\n");
const jar = async (context, name) => (await context.cookies()).find((c) => c.name === name);

// --- one browser, one learner ------------------------------------------------

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

/** Every page the walk loads (for axe, the console and the phone check). */
const visited = new Map(); // pathname+search -> { url, status }
const problems = [];
const axeDone = new Set();
const axeFindings = [];

function watch(page) {
  page.on("pageerror", (e) => problems.push(`${page.url()}: script error ${e.message}`));
  page.on("console", (m) => {
    // A document's own 4xx is logged as "Failed to load resource"; the
    // walk asks for some on purpose (the questions do), and subresources
    // are judged by the response listener below.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push(`${page.url()}: console error ${m.text()}`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== "document") {
      problems.push(`${r.url()} answered ${r.status()}`);
    }
  });
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`${r.url()} failed: ${r.failure()?.errorText}`);
  });
}

/** Runs axe-core on the page as it is now (once per path and status). */
async function audit(page, status) {
  const u = new URL(page.url());
  const key = `${u.pathname} ${status}`;
  if (axeDone.has(key)) return;
  axeDone.add(key);
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }));
  for (const v of result.violations) {
    if (v.impact === "serious" || v.impact === "critical") {
      axeFindings.push(`${key}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join("; ")}`);
    }
  }
}

/** A page loaded by `action` (a click, a goto): recorded and audited. */
async function arrive(page, action) {
  let status = 0;
  const seen = (r) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) status = r.status();
  };
  page.on("response", seen);
  const committed = page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() });
  await action();
  await committed;
  await page.waitForLoadState("load");
  page.off("response", seen);
  const u = new URL(page.url());
  if (page.context() === learner) visited.set(u.pathname + u.search, { url: page.url(), status });
  const html = await page.evaluate(() => document.contentType);
  if (html === "text/html") await audit(page, status);
  return status;
}
const goto = (page, path) => arrive(page, () => page.goto(url(path)));
// Scrolled into view first: a page whose frames load late (the third-party
// lesson's tracker) moves its links after Playwright's own scroll.
const click = (page, locator) =>
  arrive(page, async () => {
    await locator.scrollIntoViewIfNeeded();
    await locator.click();
  });

// --- the questions, answered by observing -----------------------------------------

/** id -> async ({ page, context }) => observe; throws CheckError if the answer is wrong. */
const OBSERVE = {
  // 1. The goldfish.
  "q-goldfish-body": async ({ page }) => {
    await page.locator("#name").fill("Ada");
    await click(page, page.getByRole("button", { name: "Tell the goldfish" }));
    const body = await text(page, "#xray-request .ln.body mark");
    expect(body === "name=Ada", `the X-ray marks ${show(body)} in the body, not name=Ada`);
  },
  "q-goldfish-again": async ({ page }) => {
    await click(page, page.getByRole("link", { name: "Ask me again who you are" }));
    expect(await page.locator("#name").count() === 1, "the goldfish did not ask the name again");
    expect(!(await text(page, "main")).includes("Hello, Ada"), "the goldfish remembered");
  },
  // 2. The query string.
  "q-query-where": async ({ page }) => {
    await click(page, page.getByRole("button", { name: "Start the chain" }));
    const head = await xray(page);
    expect(/^GET \/step-zero\?fav-color=blue HTTP\/1\.1$/m.test(head), `request line: ${show(head.split("\n")[0])}`);
    expect(cookieLine(head) === "", `a Cookie line: ${show(cookieLine(head))}`);
    expect(await page.locator("#xray-request .ln.body").count() === 0, "the request had a body");
  },
  "q-query-delete": async ({ page }) => {
    const status = await goto(page, "/step-one");
    expect(status === 400, `/step-one without the parameter answered ${status}`);
    expect((await text(page, "main")).includes("no ?fav-color="), "the 400 page does not say what is missing");
    expect(await page.locator("#xray-request").count() === 1, "the 400 page has no X-ray");
  },
  "q-query-share": async () => {
    const other = await browser.newContext(); // a private window: no cookies, no storage
    const p = await other.newPage();
    await p.goto(url("/step-two?fav-color=teal"));
    const shown = await text(p, "strong.color");
    await other.close();
    expect(shown === "teal", `the private window shows ${show(shown)}`);
  },
  // 3. Hidden fields.
  "q-hidden-where": async ({ page }) => {
    await click(page, page.getByRole("button", { name: "Start the chain" }));
    const head = await xray(page);
    expect(/^POST \/form\/step-zero HTTP\/1\.1$/m.test(head), `request line: ${show(head.split("\n")[0])}`);
    const body = await text(page, "#xray-request .ln.body");
    expect(body === "fav-color=blue", `the body is ${show(body)}`);
    expect(!page.url().includes("blue"), `the address shows the colour: ${page.url()}`);
  },
  "q-hidden-newtab": async ({ page }) => {
    const status = await goto(page, "/form/step-one");
    expect(status === 405, `GET /form/step-one answered ${status}`);
    expect((await text(page, "main")).includes("sends a GET, with no body"), "the 405 page does not explain");
  },
  // 4. The path.
  "q-path-redirect": async ({ page }) => {
    await click(page, page.getByRole("button", { name: "Start the chain" }));
    const head = await xray(page);
    expect(/^GET \/fav-color\/blue\/step-zero\?via=\S+ HTTP\/1\.1$/m.test(head), `request line: ${show(head.split("\n")[0])}`);
    const hop = await text(page, "#xray-hop");
    expect(/^HTTP\/1\.1 303 See Other$/m.test(hop) && /^Location: \/fav-color\/blue\/step-zero\?via=/m.test(hop), `the 303: ${show(hop)}`);
  },
  "q-path-edit": async ({ page }) => {
    await goto(page, "/fav-color/green/step-one");
    expect((await text(page, "strong.color")) === "green", "the edited path was not believed");
  },
  // 5. Storage.
  "q-storage-sent": async ({ page }) => {
    await page.locator("#storage-value").fill("aquamarine");
    await page.locator("#save-local").click();
    await arrive(page, () => page.reload());
    const head = await page.locator("#xray-request").textContent();
    expect(!head.includes("aquamarine"), "the stored value is in the request");
    const saw = await text(page, "#server-saw");
    expect(saw.includes('"aquamarine" does not appear'), `the page says ${show(saw)}`);
  },
  "q-storage-tab": async ({ page, context }) => {
    await page.locator("#storage-value").fill("coral");
    await page.locator("#save-session").click();
    const tab = await context.newPage();
    watch(tab);
    await tab.goto(url("/storage"));
    const local = await text(tab, "#local-value");
    const session = await text(tab, "#session-value");
    await tab.close();
    expect(local === '"aquamarine"' && session === "(nothing stored)", `the new tab holds ${local} / ${session}`);
  },
  // 6. The cookie round trip.
  "q-cookie-space": async ({ page }) => {
    await goto(page, "/cookie-form");
    await page.locator("#fav_color").fill("sky blue");
    await click(page, page.getByRole("button", { name: "Remember it in a cookie" }));
    const line = await text(page, "#set-cookie-line");
    expect(line === "Set-Cookie: fav_color=sky%20blue; Path=/", `the line is ${show(line)}`);
    await click(page, page.getByRole("link", { name: "Check the cookie later" }));
    expect((await text(page, "p.lead strong")) === "sky blue", "/later-cookie's headline is not the colour as typed");
  },
  "q-cookie-back": async ({ page }) => {
    await page.locator("#fav_color").fill("blue");
    await click(page, page.getByRole("button", { name: "Remember it in a cookie" }));
    await click(page, page.getByRole("link", { name: "Check the cookie later" }));
    expect(cookieLine(await xray(page)).includes("fav_color=blue"), "the Cookie line does not carry the colour");
  },
  "q-cookie-js": async ({ page }) => {
    expect((await page.evaluate(() => document.cookie)).includes("fav_color=blue"), "document.cookie lacks fav_color");
  },
  // 7. The lab.
  "q-lab-httponly": async ({ page }) => {
    await labSend(page, { name: "secret_token", value: "s3cr3t", httponly: true });
    expect((await text(page, "#received-cookie")).includes("secret_token=s3cr3t"), "the server did not receive it");
    expect(!(await text(page, "#js-cookies")).includes("secret_token"), "document.cookie shows an HttpOnly cookie");
  },
  "q-lab-none": async ({ page }) => {
    await labSend(page, { name: "cross", value: "1", samesite: "None" });
    expect((await text(page, "main")).includes("A browser rejects this line: SameSite=None needs Secure"), "the card does not say it is rejected");
    expect(!(await text(page, "#received-cookie")).includes("cross="), "the browser kept a SameSite=None cookie without Secure");
  },
  "q-lab-maxage": async ({ page }) => {
    await labSend(page, { name: "brief", value: "now", max_age: "3" });
    expect((await text(page, "#js-cookies")).includes("brief=now"), "document.cookie lacks the new cookie");
    const navigations = [];
    const note = (f) => f === page.mainFrame() && navigations.push(f.url());
    page.on("framenavigated", note);
    await page.waitForFunction(() => !document.getElementById("js-cookies").textContent.includes("brief="), null, { timeout: 8000 });
    page.off("framenavigated", note);
    expect(navigations.length === 0, "the page reloaded");
    expect((await text(page, "#received-cookie")).includes("brief=now"), "the Cookie box changed without a request");
  },
  // 8. The signed session.
  "q-signed-setcookie": async ({ page }) => {
    const some = await page.goto(url("/some-route"));
    expect((await some.allHeaders())["set-cookie"]?.startsWith("session="), "/some-route set no session cookie");
    const my = await page.goto(url("/my-route"));
    expect(!(await my.allHeaders())["set-cookie"], "/my-route set a cookie");
    expect((await text(page, "body")).trim() === "Favorite number is 42", "/my-route did not read 42");
    await goto(page, "/signed-session");
  },
  "q-signed-js": async ({ page, context }) => {
    expect((await jar(context, "session"))?.httpOnly, "the session cookie is not HttpOnly");
    expect(!(await page.evaluate(() => document.cookie)).includes("session="), "document.cookie shows the session");
  },
  "q-signed-private": async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    const r = await p.goto(url("/my-route"));
    const body = await p.locator("main").innerText();
    await other.close();
    expect(r.status() === 400 && body.includes("Your browser sent no session cookie"), `a private window got ${r.status()}: ${show(body)}`);
  },
  // 9. The session taken apart.
  "q-session-tamper": async ({ page }) => {
    const genuine = await page.locator("textarea#cookie").inputValue();
    const [payload, ...rest] = genuine.split(".");
    const json = Buffer.from(payload, "base64url").toString().replace('"fav_number":42', '"fav_number":46');
    await page.locator("textarea#cookie").fill([Buffer.from(json).toString("base64url"), ...rest].join("."));
    await click(page, page.getByRole("button", { name: "Check this value" }));
    expect((await text(page, "main .card")).startsWith("Rejected"), "a changed payload was accepted");
  },
  "q-session-permanent": async ({ page, context }) => {
    await click(page, page.getByRole("button", { name: "Make it permanent" }));
    const setCookie = (await text(page, "#xray-response")).split("\n").find((l) => l.startsWith("Set-Cookie: session="));
    expect(setCookie && /; Expires=/.test(setCookie), `no Expires: ${show(setCookie ?? "")}`);
    const c = await jar(context, "session");
    expect(c.expires > Date.now() / 1000 + 30 * 86400, "the cookie does not live 31 days");
    const payload = Buffer.from(c.value.replace(/^\./, "").split(".")[0], "base64url").toString();
    expect(c.value.startsWith(".") || payload.includes('"_permanent":true'), `the payload is ${show(payload)}`);
  },
  // 10. A list in the session.
  "q-responses-grow": async ({ page }) => {
    const length = async () => Number((cookieLine(await xray(page)).match(/session=\S+…\[(\d+) characters\]/) ?? [])[1] ?? 0);
    const before = await length();
    for (const answer of ["Yes", "Very much"]) {
      await page.locator("#answer").fill(answer);
      await click(page, page.getByRole("button", { name: "Add my answer" }));
      expect(/^Set-Cookie: session=/m.test(await text(page, "#xray-hop")), "the 303 carried no session cookie");
    }
    const after = await length();
    expect(after > before, `the session cookie did not grow: ${before} -> ${after}`);
  },
  "q-responses-flask": async ({ page, context }) => {
    // The session is permanent since /session: Flask re-sends it (C6).
    const count = async () => (await page.locator("ol.plain li").allInnerTexts()).filter((t) => !t.includes("No answers")).length;
    const flaskAdd = async (answer) => {
      await page.locator("#answer").fill(answer);
      await page.getByLabel(/Behave like Flask/).check();
      await click(page, page.getByRole("button", { name: "Add my answer" }));
    };
    let n = await count();
    await flaskAdd("kept");
    expect((await count()) === n + 1 && (await text(page, "#flask-outcome")).startsWith("Your answer was kept"), "a permanent session lost the answer");
    await goto(page, "/session");
    await click(page, page.getByRole("button", { name: "Make it a browser-session cookie" }));
    await goto(page, "/responses");
    n = await count();
    await flaskAdd("lost");
    expect((await count()) === n, "the answer was saved without reassigning");
    expect((await text(page, "#flask-outcome")).startsWith("Your answer was lost"), "the page does not say it was lost");
    expect(!/^Set-Cookie:/m.test(await text(page, "#xray-hop")), "the 303 carried a Set-Cookie");
    expect(!(await jar(context, "session")).expires || (await jar(context, "session")).expires < 0, "the session is still permanent");
  },
  // 11. Server-side sessions.
  "q-server-first": async ({ page }) => {
    await page.locator("#fav_color").fill("teal");
    await click(page, page.getByRole("button", { name: "Store it on the server" }));
    expect(/^Set-Cookie: sid=\S+…\[43 characters\]; Path=\/; HttpOnly; SameSite=Lax$/m.test(await text(page, "#xray-hop")), "no new sid on the redirect");
    expect((await text(page, "main")).includes("as the store remembers it: teal"), "the store does not have teal");
  },
  "q-server-second": async ({ page }) => {
    await page.locator("#fav_color").fill("plum");
    await click(page, page.getByRole("button", { name: "Store it on the server" }));
    expect(!/^Set-Cookie:/m.test(await text(page, "#xray-hop")), "the second change sent a cookie");
    expect((await text(page, "main")).includes("as the store remembers it: plum"), "the store does not have plum");
  },
  // 12. Compare.
  "q-compare-sent": async ({ page }) => {
    const line = cookieLine(await xray(page));
    for (const name of ["fav_color=", "session=", "sid="]) expect(line.includes(name), `the Cookie line lacks ${name}: ${show(line)}`);
    expect(!(await page.locator("#xray-request").textContent()).includes("aquamarine"), "localStorage reached the server");
  },
};

/** Fills the lab's form and sends it: POST, 303, GET. */
async function labSend(page, fields) {
  const form = page.locator('form[action="/cookies"]');
  await form.locator('input[name="name"]').fill(fields.name);
  await form.locator('input[name="value"]').fill(fields.value);
  if (fields.max_age) await form.locator('input[name="max_age"]').fill(fields.max_age);
  if (fields.httponly) await form.locator('input[name="httponly"]').check();
  if (fields.samesite) await form.locator('select[name="samesite"]').selectOption(fields.samesite);
  await click(page, form.getByRole("button", { name: "Send Set-Cookie" }));
  expect(new URL(page.url()).pathname === "/cookies", `the lab ended on ${page.url()}`);
  const sent = await text(page, "#lab-sent");
  expect(sent.startsWith(`Set-Cookie: ${fields.name}=${fields.value}`), `the redirect carried ${show(sent)}`);
}

// The many-sites lessons' questions need goldfish's other host names
// (www./shop.goldfish.localhost, evil.localhost) and its second port: they
// are observed in sites-course.mjs, in contexts of their own (run.sh passes
// the second port in GOLDFISH_ALSO). sites.mjs checks the same lessons in
// full detail.
Object.assign(OBSERVE, siteLessons({ browser, url, goto, click, arrive, text, xray, cookieLine, expect, show, watch }).OBSERVE);

// What each lesson's questions ask, in the order the page asks them (the
// page's own order is checked against this), keyed by the lesson's start.
const LESSONS = {
  "/sites/timeline": ["q-timeline-css", "q-timeline-303"],
  "/sites": ["q-tour-evil", "q-tour-origin"],
  "/sites/domain": ["q-domain-third", "q-domain-bare", "q-domain-sibling"],
  "/sites/path": ["q-path-checkout", "q-path-shopping"],
  "/sites/ports": ["q-ports-cookie", "q-ports-storage"],
  "/sites/samesite": ["q-ss-link", "q-ss-post", "q-ss-img", "q-ss-shop"],
  "/sites/third-party": ["q-tp-reload", "q-tp-other"],
  "/sites/csrf": ["q-csrf-open", "q-csrf-lax", "q-csrf-shop"],
  "/goldfish": ["q-goldfish-body", "q-goldfish-again"],
  "/step-zero": ["q-query-where", "q-query-delete", "q-query-share"],
  "/form/step-zero": ["q-hidden-where", "q-hidden-newtab"],
  "/fav-color": ["q-path-redirect", "q-path-edit"],
  "/storage": ["q-storage-sent", "q-storage-tab"],
  "/cookie-form": ["q-cookie-back", "q-cookie-js", "q-cookie-space"],
  "/cookies": ["q-lab-maxage", "q-lab-httponly", "q-lab-none"],
  "/signed-session": ["q-signed-setcookie", "q-signed-js", "q-signed-private"],
  "/session": ["q-session-tamper", "q-session-permanent"],
  "/responses": ["q-responses-grow", "q-responses-flask"],
  "/server-session": ["q-server-first", "q-server-second"],
  "/compare": ["q-compare-sent"],
};

// --- the walk -----------------------------------------------------------------------

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push(false);
    const why = e instanceof CheckError ? e.message : (e.stack || String(e)).split("\n").slice(0, 3).join(" | ");
    console.log(`FAIL ${name}: ${why.replace(/\x1b\[[0-9;]*m/g, "")}`);
  }
}

const learner = await browser.newContext({ viewport: { width: 1280, height: 800 } });
learner.setDefaultTimeout(10_000);
const page = await learner.newPage();
watch(page);
const started = Date.now();

const nexts = async () => page.locator('a[rel="next"]').count();
let walked = [];
await check("the guided path: / → rel=next → … → /compare, every question answered by observing", async () => {
  await goto(page, "/");
  expect((await nexts()) === 1, `/ has ${await nexts()} rel=next links`);
  expect((await text(page, 'a[rel="next"]')).startsWith("Start here"), "/'s rel=next is not 'Start here'");
  let total = null;
  for (let n = 1; ; n++) {
    const from = page.url();
    try {
      await click(page, page.locator('a[rel="next"]'));
    } catch (e) {
      throw new CheckError(`following rel=next from ${from} (now at ${page.url()}): ${String(e).split("\n")[0]}`);
    }
    const start = new URL(page.url()).pathname;
    const progress = await text(page, "p.progress");
    const m = progress.match(/Lesson (\d+) of (\d+)/);
    expect(m && Number(m[1]) === n, `${start} says ${show(progress)}; expected lesson ${n}`);
    total ??= Number(m[2]);
    expect(Number(m[2]) === total, `${start} says ${m[2]} lessons, an earlier page ${total}`);
    walked.push(start);
    const asked = await page.locator("section.predict li[id]").evaluateAll((ls) => ls.map((l) => l.id));
    const known = LESSONS[start];
    expect(known, `course.mjs does not know the lesson at ${start}: add its questions to LESSONS and OBSERVE`);
    expect(JSON.stringify(asked) === JSON.stringify(known), `${start} asks ${asked.join(", ")}; course.mjs observes ${known.join(", ")}`);
    for (const id of asked) {
      const observe = OBSERVE[id];
      expect(observe, `no observer for question ${id}`);
      try {
        await observe({ page, context: learner });
      } catch (e) {
        throw new CheckError(`${start}, question ${id}: ${e.message}`);
      }
    }
    // Wherever the lesson left the learner, its page links on once.
    const links = await nexts();
    if (n === total) {
      expect(new URL(page.url()).pathname === "/compare", `the last lesson is ${page.url()}`);
      expect(links === 0, `/compare has ${links} rel=next links`);
      break;
    }
    expect(links === 1, `${page.url()} has ${links} rel=next links; want exactly 1`);
    expect(n < 50, "the path does not end");
  }
  expect(walked.length === total, `walked ${walked.length} lessons of ${total}`);
  expect(new Set(walked).size === walked.length, `a lesson came twice: ${walked.join(" ")}`);
});

await check("every lesson page has exactly one rel=next (the pages the walk did not end on too)", async () => {
  for (const [key, { status }] of visited) {
    if (status !== 200 || key.startsWith("/?") || key === "/") continue;
    await page.goto(url(key));
    const html = await page.evaluate(() => document.contentType === "text/html");
    if (!html) continue;
    const progress = await page.locator("p.progress").count();
    if (!progress) continue;
    const links = await nexts();
    const last = new URL(page.url()).pathname === "/compare";
    expect(links === (last ? 0 : 1), `${key} has ${links} rel=next links`);
  }
});

await check("Start over: POST /reset answers Clear-Site-Data, and the browser forgets this site", async () => {
  await goto(page, "/compare");
  expect((await learner.cookies()).some((c) => c.domain === new URL(base).hostname), "no cookies before the reset");
  await click(page, page.getByRole("button", { name: /Start over/ }));
  expect(new URL(page.url()).pathname === "/", `Start over ended on ${page.url()}`);
  const hop = await text(page, "#xray-hop");
  expect(/^HTTP\/1\.1 303 See Other$/m.test(hop) && /^Clear-Site-Data: "cookies", "storage"$/m.test(hop), `the 303: ${show(hop)}`);
  // Clear-Site-Data clears the site that sent it (127.0.0.1 here); the
  // other host names of the many-sites lessons keep their own cookies.
  const host = new URL(base).hostname;
  const left = (await learner.cookies()).filter((c) => c.domain === host);
  expect(left.length === 0, `cookies left for ${host}: ${left.map((c) => c.name).join(", ")}`);
  expect(await page.evaluate(() => localStorage.length) === 0, "localStorage is not empty");
  expect(cookieLine(await xray(page)) === "", "the GET after the reset carried cookies");
});

await check("axe-core (WCAG 2.2 A and AA) on every page: no serious or critical violation", async () => {
  // Pages the walk does not reach: the jar simulator, the ends of the
  // chains, a 404 and a 405 (the router's own pages).
  for (const path of ["/cookies/jar", "/step-two?fav-color=blue", "/fav-color/blue/step-two", "/no-such-page", "/cookies/delete"]) {
    await goto(page, path);
  }
  expect(axeDone.size >= walked.length + 8, `axe ran on only ${axeDone.size} pages`);
  expect(axeFindings.length === 0, axeFindings.join("\n     "));
});

await check("no script error, console error or failed resource on any page", async () => {
  expect(problems.length === 0, problems.join("; "));
});

await check("375 px wide: no page scrolls sideways", async () => {
  const phone = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
  const p = await phone.newPage();
  const wide = [];
  for (const [key, { status }] of visited) {
    if (status >= 300) continue;
    await p.goto(url(key));
    const [scroll, client] = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    if (scroll > client) wide.push(`${key} (${scroll} px)`);
  }
  await phone.close();
  expect(wide.length === 0, `wider than 375 px: ${wide.join(", ")}`);
});

// --- the review's statements, each corrected -------------------------------------------

const statements = await browser.newContext();
const sp = await statements.newPage();
async function says(path, wants, wantNots = []) {
  await sp.goto(url(path));
  const body = await sp.locator("body").innerText();
  for (const w of wants) expect(body.includes(w), `${path} does not say ${show(w)}`);
  for (const w of wantNots) expect(!body.includes(w), `${path} still says ${show(w)}`);
}
const C = [
  ["C1 SameSite: Lax by default only in Chromium; Lax covers top-level GET navigations", () =>
    says("/cookies", ["Firefox and Safari treat it as None", "top-level GET navigations", "two minutes"], ["(the default in browsers)"])],
  ["C2 Rails keeps its session in a signed, encrypted cookie", () =>
    says("/server-session", ["PHP and Django do by default", "Rails, by default, keeps the whole session in an encrypted, signed cookie"], ["PHP, Django and Rails"])],
  ["C3 SameSite=Lax: other sites' GET navigations carry it; a cross-site POST could replace it", () =>
    says("/server-session", ["a link or a GET form on another site does", "not from being set"], ["other sites' forms cannot send it"])],
  ["C4 Referer: the full URL only to the same origin", async () => {
    await says("/step-one?fav-color=blue", ["strict-origin-when-cross-origin"]);
    await says("/compare", ["other sites get only the origin"], ["the Referer header sent to other sites"]);
  }],
  ["C5 the checker rejects a public-suffix Domain (co.uk)", async () => {
    await sp.goto(url("/cookies"));
    const form = sp.locator('form[action="/cookies/check#check-report"]');
    await form.locator("textarea").fill("Set-Cookie: id=1; Domain=co.uk");
    await form.locator('input[name="url"]').fill("http://example.co.uk/");
    await form.getByRole("button", { name: "Check it" }).click();
    await sp.waitForLoadState("load");
    expect(new URL(sp.url()).hash === "#check-report", `the page did not jump to the report: ${sp.url()}`);
    const verdict = await sp.locator("#check-report h3").innerText();
    expect(verdict.startsWith("Rejected"), `Domain=co.uk: ${show(verdict)}`);
  }],
  ["C6 the reassign gotcha's exception for permanent sessions", () =>
    says("/responses", ["One exception: a permanent session", "SESSION_REFRESH_EACH_REQUEST"], ["The cookie is not re-sent and the answer is lost."])],
  ["C7 the 400-day cap is Chromium's (and the RFC 6265bis draft's)", () =>
    says("/cookies", ["Chromium-based browsers cap both at 400 days"], ["Browsers cap both at 400 days"])],
  ["C9 a cookie value should not hold spaces; browsers keep them; Flask quotes", () =>
    says("/handle-form-cookie?fav_color=sky%20blue", ["should not put spaces", "Werkzeug wraps such a value in quotes"], ["A cookie value cannot contain"])],
  ["C10 /goldfish: the body is shown in the X-ray", async () => {
    await sp.goto(url("/goldfish"));
    await sp.locator("#name").fill("Grace");
    await sp.getByRole("button", { name: "Tell the goldfish" }).click();
    await sp.waitForLoadState("load");
    const body = await sp.locator("body").innerText();
    expect(!body.includes("the body is not shown there"), "still says the body is not shown");
    expect((await sp.locator("#xray-request .ln.body mark").innerText()) === "name=Grace", "the body is not marked");
  }],
  ["C11 /responses: the Cookie line grows, the Set-Cookie rides on the 303", () =>
    says("/responses", ["grow from answer to answer", "The X-ray shows that redirect above the request"], ["Watch the Set-Cookie line grow"])],
  ["C12 the lab: document.cookie changes at once, with no request", () =>
    says("/cookies", ["changes the moment the browser stores or drops a cookie, with no request at all"], ["update with the next request"])],
  ["C13 the X-ray: the server also knows the connection's address", () =>
    says("/", ["the address the connection came from"], ["Nothing else."])],
  ["C14 a signed session cannot be forged, but can be deleted or replayed", () =>
    says("/compare", ["send back an older valid cookie"])],
  ["C15 browsers that restore tabs restore session cookies", async () => {
    await says("/cookies", ["continue where you left off"]);
    await says("/session", ["continue where you left off"]);
  }],
  ["C16 localStorage: about 5 million characters, 10 MB as UTF-16", () =>
    says("/storage", ["10 MB as UTF-16"], ["about 5 MB per origin"])],
  ["C17 Partitioned: any cross-site embedded context, not a top-level page", () =>
    says("/cookies", ["cross-site context", "this lab cannot show the difference"], ["In a third-party iframe"])],
  ["C18 Secure cookies work on http://127.0.0.1 in Chromium", async () => {
    await says("/cookies", ["count http://localhost and http://127.0.0.1 as secure"]);
    await sp.goto(url("/cookies"));
    const form = sp.locator('form[action="/cookies"]');
    await form.locator('input[name="name"]').fill("sec");
    await form.locator('input[name="value"]').fill("1");
    await form.locator('input[name="secure"]').check();
    await form.getByRole("button", { name: "Send Set-Cookie" }).click();
    await sp.waitForLoadState("load");
    expect((await sp.locator("#received-cookie").innerText()).includes("sec=1"), "Chromium did not keep a Secure cookie over http://127.0.0.1");
  }],
  ["C19 the signing key is derived from SECRET_KEY", () =>
    says("/session", ["derived from SECRET_KEY"], ["keyed with a secret only the server knows"])],
];
for (const [name, fn] of C) await check(name, fn);
await statements.close();

const version = browser.version();
await browser.close();
const failed = results.filter((r) => !r).length;
console.log(`course: walked ${walked.length} lessons, axe on ${axeDone.size} pages, ${visited.size} addresses at 375 px, in ${((Date.now() - started) / 1000).toFixed(1)} s (Chromium ${version})`);
console.log(`course: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
