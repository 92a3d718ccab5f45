// Many sites on one machine, checked in a real browser: Debian's Chromium,
// headless, visiting goldfish under its real host names. No resolver
// tricks: Chromium itself sends every *.localhost name to 127.0.0.1.
//
//   node sites.mjs http://127.0.0.1:PORT http://127.0.0.1:ALSO_PORT
//
// run.sh starts goldfish with --also-port 0 and calls this after check.mjs.
// Each check prints `ok   <name>` or `FAIL <name>: <why>`; exit 1 if any
// failed. Two kinds of browser context are used:
//   - a fresh context, as check.mjs uses: this Chromium blocks third-party
//     cookies there;
//   - a persistent profile whose cookie setting allows third-party cookies
//     (profile.cookie_controls_mode = 0, what Settings → "Allow third-party
//     cookies" writes), to see what SameSite=None and unpartitioned
//     third-party cookies do when the browser lets them.
// What Chromium did is asserted cell by cell against the rules the pages
// state, in both kinds.

import { chromium } from "playwright-core";
import { playSameSite, tracker } from "./sites-play.mjs";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [base, also] = process.argv.slice(2);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(base || "") || !/^http:\/\/127\.0\.0\.1:\d+$/.test(also || "")) {
  console.error("usage: node sites.mjs http://127.0.0.1:PORT http://127.0.0.1:ALSO_PORT");
  process.exit(2);
}
const port = new URL(base).port;
const alsoPort = new URL(also).port;
/** A URL on one of goldfish's host names, on the main port. */
const at = (host, path, p = port) => `http://${host}:${p}${path}`;
const WWW = "www.goldfish.localhost";
const SHOP = "shop.goldfish.localhost";
const BARE = "goldfish.localhost";
const EVIL = "evil.localhost";

// The Lax+POST check waits out Chromium's two-minute window, while the
// other checks run: the whole run takes a little over two minutes.
const WATCHDOG_MS = 240_000;
const watchdog = setTimeout(() => {
  console.log(`FAIL watchdog: the sites checks took longer than ${WATCHDOG_MS / 1000} s`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

class CheckError extends Error {}
function expect(cond, why) {
  if (!cond) throw new CheckError(why);
}
const show = (s) => JSON.stringify(s.length > 200 ? s.slice(0, 200) + "…" : s);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function go(page, url, want = 200) {
  const resp = await page.goto(url);
  expect(resp, `no response for ${url}`);
  expect(resp.status() === want, `GET ${url} answered ${resp.status()}, expected ${want}`);
  return resp;
}
/** Runs `action` (a click that navigates) and waits for the new document. */
async function navigateBy(page, action) {
  const committed = page.waitForEvent("framenavigated", { predicate: (f) => f === page.mainFrame() });
  await action();
  await committed;
  await page.waitForLoadState("load");
}
const text = (page, sel) => page.locator(sel).first().innerText();
/** What sites-play.mjs needs from this script. */
const helpers = { go, navigateBy, at, expect, sleep };
const attr = (page, sel, name) => page.locator(sel).first().getAttribute(name);
/** The cookie names in the X-ray's Cookie line(s). */
async function sentCookies(page) {
  const head = await text(page, "#xray-request");
  const line = head.split("\n").filter((l) => /^cookie:/i.test(l)).map((l) => l.slice(7)).join(";");
  return Object.fromEntries(
    line.split(";").map((p) => p.trim()).filter(Boolean).map((p) => [p.split("=")[0], p.slice(p.indexOf("=") + 1)]),
  );
}

// --- the checks -------------------------------------------------------------

const checks = [];
const check = (name, fn, kind = "fresh") => checks.push({ name, fn, kind });

check("virtual hosts: each name gets its site, and the X-ray says why", async (page) => {
  const cases = [
    [at("127.0.0.1", "/sites"), "Answered by the lessons (goldfish), because the Host line names 127.0.0.1."],
    [at(WWW, "/sites"), `Answered by the lessons (goldfish), because the Host line names ${WWW}.`],
    [at(SHOP, "/"), `Answered by the shop, because the Host line names ${SHOP}.`],
    [at(EVIL, "/"), `Answered by the other site (evil.localhost), because the Host line names ${EVIL}.`],
    [at("tracker.localhost", "/"), "Answered by the third party (tracker.localhost), because the Host line names tracker.localhost."],
    [at("nobody.localhost", "/sites"), "the default site"],
  ];
  for (const [url, want] of cases) {
    await go(page, url);
    const said = await text(page, "#xray-site");
    expect(said.includes(want), `${url}: the X-ray says ${show(said)}, expected ${show(want)}`);
  }
  // Plain 127.0.0.1 is as it was: the lessons' index.
  await go(page, at("127.0.0.1", "/"));
  expect((await text(page, "h1")) === "HTTP is a goldfish", "127.0.0.1/ is not the index");
});

check("Domain: num_visits goes to every host of goldfish.localhost, cus_type to the shop alone", async (page, context) => {
  // [url, host, cookies expected to arrive (name -> value or true)]
  const walk = [
    [at(WWW, "/sites/domain"), WWW, {}],
    [at(SHOP, "/"), SHOP, { num_visits: "1" }],
    [at(WWW, "/sites/domain"), WWW, { num_visits: "2" }],
    [at(BARE, "/sites/domain"), BARE, { num_visits: "3" }],
    [at(SHOP, "/"), SHOP, { num_visits: "4", cus_type: "member" }],
    [at(EVIL, "/"), EVIL, {}],
  ];
  for (const [url, host, want] of walk) {
    const held = new Set((await context.cookies()).map((c) => c.name));
    await go(page, url);
    const got = await sentCookies(page);
    for (const name of ["num_visits", "cus_type"]) {
      const expected = want[name];
      if (expected) expect(got[name] === expected, `${url}: ${name}=${got[name]} arrived, expected ${expected}`);
      else expect(!(name in got), `${url}: ${name} arrived, but ${host} should not get it`);
      // The page's table (domain-match, computed by goldfish) agrees with
      // what Chromium did, for every cookie the browser held.
      if (host !== EVIL && held.has(name)) {
        const cell = `#domain-table tr[data-cookie="${name}"] td[data-host="${host}"]`;
        const predicted = await attr(page, cell, "data-sent");
        expect(predicted === (name in got ? "yes" : "no"), `${url}: the table says ${name} ${predicted === "yes" ? "is" : "is not"} sent to ${host}; Chromium did the opposite`);
      }
    }
  }
  const jar = await context.cookies();
  const nv = jar.find((c) => c.name === "num_visits");
  const ct = jar.find((c) => c.name === "cus_type");
  expect(nv && nv.domain === ".goldfish.localhost", `num_visits is stored for ${nv?.domain}`);
  expect(ct && ct.domain === SHOP, `cus_type is stored for ${ct?.domain}`);
  // Domain=goldfish.localhost from 127.0.0.1 would be refused: the page sets nothing there.
  await go(page, at("127.0.0.1", "/sites/domain"));
  expect((await text(page, "#domain-status")).includes("sets nothing"), "127.0.0.1/sites/domain does not explain itself");
});

check("Path: cart (Path=/shop) only under /shop, last_added only under its default path /shop/basket", async (page, context) => {
  await go(page, at(WWW, "/sites/path"));
  await navigateBy(page, () => page.locator("#add-goldfish").click());
  const set = await text(page, "#path-sent");
  expect(set.includes("Set-Cookie: cart=goldfish; Path=/shop"), `the add page sent ${show(set)}`);
  expect(set.includes("Set-Cookie: last_added=goldfish\n") || set.endsWith("Set-Cookie: last_added=goldfish"), `the add page sent ${show(set)}`);
  const jar = await context.cookies();
  const pathOf = (n) => jar.find((c) => c.name === n)?.path;
  expect(pathOf("cart") === "/shop", `cart is stored with path ${pathOf("cart")}`);
  expect(pathOf("last_added") === "/shop/basket", `last_added is stored with path ${pathOf("last_added")} (the default path)`);
  const visits = [
    ["/shop/basket", true, true],
    ["/shop/checkout", true, false],
    ["/shop", true, false],
    ["/shopping", false, false],
    ["/sites/path", false, false],
  ];
  for (const [path, cart, last] of visits) {
    await go(page, at(WWW, path));
    const got = await sentCookies(page);
    expect(("cart" in got) === cart, `${path}: cart ${"cart" in got ? "arrived" : "did not arrive"}`);
    expect(("last_added" in got) === last, `${path}: last_added ${"last_added" in got ? "arrived" : "did not arrive"}`);
    for (const [name, came] of [["cart", cart], ["last_added", last]]) {
      const predicted = await attr(page, `#path-table tr.here td[data-cookie="${name}"]`, "data-sent");
      expect(predicted === (came ? "yes" : "no"), `${path}: the table predicts ${name} ${predicted}, Chromium did ${came}`);
    }
  }
});

check("ports: a cookie set on one port comes back on the other", async (page, context) => {
  await go(page, at(WWW, "/sites/ports"));
  expect((await sentCookies(page)).port_seen === undefined, "port_seen arrived before it was set");
  const links = await page.locator("#ports-links a").evaluateAll((as) => as.map((a) => a.dataset.port));
  expect(links.includes(port) && links.includes(alsoPort), `the page links to ports ${links}, not ${port} and ${alsoPort}`);
  await navigateBy(page, () => page.locator(`#ports-links a[data-port="${alsoPort}"]`).click());
  expect(new URL(page.url()).port === alsoPort, `the link went to ${page.url()}`);
  const got = await sentCookies(page);
  expect(got.port_seen === port, `on port ${alsoPort} the request carried port_seen=${got.port_seen}, expected ${port}`);
  expect((await attr(page, "#ports-verdict", "data-crossed")) === "yes", "the page does not say the cookie crossed ports");
  const jar = (await context.cookies()).filter((c) => c.name === "port_seen");
  expect(jar.length === 1 && jar[0].domain === WWW, `the jar holds ${JSON.stringify(jar)}: one cookie, for the host, no port`);
});

/** Asserts every cell of the board: each one agrees with the rule the page
 * states, and the third-party cells follow the browser's setting. */
function assertMatrix(cells, thirdPartyAllowed) {
  expect(cells.length === 2 * 6 * 4, `the board has ${cells.length} cells, expected 48`);
  // The matrix the lesson teaches, written out: cross-site requests from
  // evil.localhost. [via]: [strict, lax, none, unset] ("3p": as the
  // third-party cookie setting says).
  const crossSite = {
    link: [0, 1, 1, 1],
    "get-form": [0, 1, 1, 1],
    "post-form": [0, 0, 1, 1], // unset: Lax+POST, the cookies are seconds old
    img: [0, 0, "3p", 0],
    iframe: [0, 0, "3p", 0],
    fetch: [0, 0, "3p", 0],
  };
  const names = ["ss_strict", "ss_lax", "ss_none", "ss_unset"];
  const bad = [];
  for (const c of cells) {
    const want = c.from === "shop" ? 1 : crossSite[c.via][names.indexOf(c.cookie)];
    const wantSent = want === "3p" ? thirdPartyAllowed : want === 1;
    if ((c.sent === "yes") !== wantSent) bad.push(`${c.from} ${c.via} ${c.cookie}: sent=${c.sent}, expected ${wantSent ? "yes" : "no"}`);
    if (c.agrees !== "yes") bad.push(`${c.from} ${c.via} ${c.cookie}: the board says Chromium's rule (${c.expected}) does not match`);
    const wantSite = c.from === "shop" ? "same-site" : "cross-site";
    if (c.site !== wantSite) bad.push(`${c.from} ${c.via}: Sec-Fetch-Site ${c.site}, expected ${wantSite}`);
  }
  expect(bad.length === 0, bad.join("; "));
}

check("SameSite matrix, third-party cookies blocked (a fresh context): every cell as Chromium's rules say", async (page) => {
  assertMatrix(await playSameSite(page, helpers), false);
});

check("SameSite matrix, third-party cookies allowed: SameSite=None now rides on images, frames and fetches", async (page) => {
  assertMatrix(await playSameSite(page, helpers), true);
}, "third-party-allowed");

check("third-party cookies blocked, Partitioned kept per top-level site (a fresh context)", async (page, context) => {
  const first = await tracker(page, helpers, at(WWW, "/sites/third-party"));
  expect(first.id.arrived === "no" && first.chips.arrived === "no", "cookies arrived on the first visit");
  const again = await tracker(page, helpers, at(WWW, "/sites/third-party"));
  expect(again.chips.arrived === "yes" && again.chips.value === first.chips.value, `tp_chips did not come back in goldfish's frame: ${JSON.stringify(again.chips)}`);
  expect(again.id.arrived === "no", "tp_id came back: this Chromium should block third-party cookies in a fresh context");
  expect(again.verdict.includes("blocks unpartitioned third-party ones"), `the frame says ${show(again.verdict)}`);
  const other = await tracker(page, helpers, at(EVIL, "/third-party"));
  expect(other.chips.arrived === "no" && other.chips.value !== first.chips.value, "evil.localhost's frame got goldfish's partitioned cookie");
  const back = await tracker(page, helpers, at(WWW, "/sites/third-party"));
  expect(back.chips.arrived === "yes" && back.chips.value === first.chips.value, "goldfish's partition lost its cookie");
  const chips = (await context.cookies()).filter((c) => c.name === "tp_chips").map((c) => c.partitionKey).sort();
  expect(JSON.stringify(chips) === JSON.stringify(["http://evil.localhost", "http://goldfish.localhost"]), `tp_chips partitions: ${JSON.stringify(chips)}`);
});

check("third-party cookies allowed: one tp_id seen on both sites, tp_chips still one per site", async (page) => {
  const first = await tracker(page, helpers, at(WWW, "/sites/third-party"));
  const again = await tracker(page, helpers, at(WWW, "/sites/third-party"));
  expect(again.id.arrived === "yes" && again.id.value === first.id.value, `tp_id did not come back: ${JSON.stringify(again.id)}`);
  expect(again.verdict.includes("allows third-party cookies"), `the frame says ${show(again.verdict)}`);
  const other = await tracker(page, helpers, at(EVIL, "/third-party"));
  expect(other.id.arrived === "yes" && other.id.value === first.id.value, "the tracker did not recognise the visitor on evil.localhost");
  expect(other.id.seen === `${WWW}, ${EVIL}`, `the tracker saw tp_id on ${other.id.seen}`);
  expect(other.chips.arrived === "no" && other.chips.value !== first.chips.value, "the partitioned cookie crossed sites");
}, "third-party-allowed");

check("CSRF: evil.localhost changes the colour on the open endpoint, and fails against each defence", async (page, context) => {
  const lesson = at(WWW, "/sites/csrf");
  const colour = async () => { await go(page, lesson); return text(page, "#csrf-colour"); };
  await go(page, lesson);
  await navigateBy(page, () => page.locator("#csrf-sign-in").click());
  expect((await colour()) === "orange", "a new account is not orange");
  const evilPage = await page.locator("#go-evil").getAttribute("href");
  const attack = async (id) => {
    await go(page, evilPage);
    const answered = page.waitForResponse((r) => r.request().method() === "POST");
    await navigateBy(page, () => page.locator(`#attack-${id} button`).click());
    return (await answered).status();
  };
  // 1. No defence: it works (303 back to goldfish, the colour is black).
  expect((await attack("open")) === 303, "the open endpoint did not accept the forged POST");
  expect((await colour()) === "black", "the forged POST did not change the colour");
  // Change it back from goldfish's own page (same origin: every form works).
  for (const [endpoint, c] of [["/sites/csrf/lax", "teal"], ["/sites/csrf/origin", "olive"], ["/sites/csrf/token", "orange"]]) {
    await go(page, lesson);
    const form = page.locator(`form[action="${endpoint}"]`);
    await form.locator('input[name="colour"]').fill(c);
    await navigateBy(page, () => form.locator("button").click());
    expect((await text(page, "#csrf-colour")) === c, `goldfish's own form to ${endpoint} did not work`);
  }
  // 2-4. Each defence holds: 403, the defence named, the colour unchanged.
  // The origin endpoint is an ordinary POST route: goldfish's own check on
  // every state-changing request (app::guard) answers with its lesson page.
  for (const [id, page403, said403] of [
    ["lax", "#csrf-refused", "SameSite=Lax cookie"],
    ["origin", "h1", "403 Forbidden: a request from another site"],
    ["token", "#csrf-refused", "synchronizer token"],
  ]) {
    expect((await attack(id)) === 403, `the ${id} endpoint did not refuse`);
    const said = await text(page, page403);
    expect(said.includes(said403), `the ${id} refusal says ${show(said)}`);
    expect((await colour()) === "orange", `the ${id} attack changed the colour`);
  }
  // Login CSRF: refused by the checked login, succeeds on the open one.
  expect((await attack("login")) === 403, "the Origin-checked login accepted a cross-site form");
  expect((await text(page, "h1")).includes("a request from another site"), "the checked login's 403 is not goldfish's cross-site page");
  await go(page, lesson);
  expect((await attr(page, "#csrf-account", "data-owner")) === "learner", "the checked login changed the account");
  expect((await attack("login-open")) === 303, "the open login refused");
  await go(page, lesson);
  expect((await attr(page, "#csrf-account", "data-owner")) === "mallory", "login CSRF did not sign the browser in as Mallory");
  const form = page.locator('form[action="/sites/csrf/origin"]');
  await form.locator('input[name="colour"]').fill("my secret blue");
  await navigateBy(page, () => form.locator("button").click());
  await go(page, evilPage);
  expect((await text(page, "#mallory-colour")) === "my secret blue", "Mallory does not see the colour the victim picked");
  // Session swap: a fresh account over the current one.
  const before = (await context.cookies()).find((c) => c.name === "demo_lax")?.value;
  expect((await attack("swap")) === 303, "the swap was refused");
  const after = (await context.cookies()).find((c) => c.name === "demo_lax")?.value;
  expect(before && after && before !== after, "the session swap did not replace the cookie");
  await go(page, lesson);
  expect((await attr(page, "#csrf-account", "data-owner")) === "learner" && (await text(page, "#csrf-colour")) === "orange", "after the swap the browser is not in a fresh account");
});

check("timeline: the learner's exchanges, a stylesheet request carrying the cookie, a 303 hop", async (page) => {
  await go(page, at(WWW, "/sites/timeline"));
  await navigateBy(page, () => page.locator("#timeline-start").click());
  expect((await attr(page, "#timeline-state", "data-recording")) === "yes", "recording did not start");
  await go(page, at(WWW, "/sites/domain")); // sets num_visits; loads the stylesheet
  await go(page, at(WWW, "/sites/samesite"));
  await navigateBy(page, () => page.locator("#set-cookies").click()); // a POST answered by 303
  await go(page, at(SHOP, "/"));
  expect((await text(page, "#xray-recorder")).includes("goldfish_rec"), "the X-ray does not say the recorder is on");
  await go(page, at(WWW, "/sites/timeline"));
  const rows = await page.locator("#timeline li").evaluateAll((lis) =>
    lis.map((li) => ({ dest: li.dataset.dest, status: li.dataset.status, cookie: li.dataset.cookie, text: li.innerText })),
  );
  const css = rows.find((r) => r.dest === "style" && r.text.includes("GET /static/site.css") && r.cookie.includes("num_visits="));
  expect(css, `no stylesheet request carrying num_visits in ${rows.length} rows`);
  expect(css.cookie.includes("goldfish_rec="), "the stylesheet request did not carry the recorder");
  expect(rows.some((r) => r.status === "303" && r.text.includes("POST /sites/samesite")), "the 303 hop is missing");
  expect(rows.some((r) => r.text.includes("Host: shop.goldfish.localhost")), "the shop's exchange is missing");
  expect(rows.some((r) => r.text.includes("Set-Cookie: num_visits=")), "no Set-Cookie recorded");
});

check("timeline: another browser sees nothing of this one's exchanges", async (page, context, browser) => {
  const other = await browser.newContext();
  try {
    const p2 = await other.newPage();
    await go(p2, at(WWW, "/sites/timeline"));
    await navigateBy(p2, () => p2.locator("#timeline-start").click());
    await go(p2, at(WWW, "/sites/path"));
    await go(page, at(WWW, "/sites/timeline"));
    await navigateBy(page, () => page.locator("#timeline-start").click());
    await go(page, at(WWW, "/sites/ports"));
    await go(page, at(WWW, "/sites/timeline"));
    const mine = await text(page, "#timeline");
    expect(mine.includes("GET /sites/ports") && !mine.includes("GET /sites/path"), `this browser's timeline: ${show(mine)}`);
    await go(p2, at(WWW, "/sites/timeline"));
    const theirs = await text(p2, "#timeline");
    expect(theirs.includes("GET /sites/path") && !theirs.includes("GET /sites/ports"), `the other browser's timeline: ${show(theirs)}`);
  } finally {
    await other.close();
  }
});

/** Sends a line through the cookie lab on `host`, as a learner fills the
 * form; returns what Chromium said about the POST's Set-Cookie (its
 * DevTools reasons, from the DevTools protocol) and goldfish's card. */
async function labRefusal(page, cdp, host, fields) {
  await go(page, at(host, "/cookies"));
  const form = page.locator('form[action="/cookies"]');
  await form.locator('input[name="name"]').fill(fields.name);
  await form.locator('input[name="value"]').fill("1");
  await form.locator('input[name="domain"]').fill(fields.domain || "");
  if (fields.secure) await form.locator('input[name="secure"]').check();
  if (fields.samesite) await form.locator('select[name="samesite"]').selectOption(fields.samesite);
  const blocked = [];
  const listener = (e) => {
    for (const b of e.blockedCookies || []) blocked.push(...b.blockedReasons);
  };
  cdp.on("Network.responseReceivedExtraInfo", listener);
  await navigateBy(page, () => form.getByRole("button", { name: "Send Set-Cookie" }).click());
  await sleep(200); // the extra-info event may trail the navigation
  cdp.off("Network.responseReceivedExtraInfo", listener);
  const card = await page.locator(".card", { has: page.locator("#lab-sent") }).innerText();
  return { blocked, card };
}

check("the lab and the checker refuse what Chromium refuses on these hosts, in DevTools' words", async (page, context) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const cases = [
    [WWW, { name: "a1", domain: "localhost" }, "InvalidDomain"],
    [WWW, { name: "a2", domain: SHOP }, "InvalidDomain"],
    ["127.0.0.1", { name: "a3", domain: BARE }, "InvalidDomain"],
    [WWW, { name: "a4", samesite: "None" }, "SameSiteNoneInsecure"],
    [WWW, { name: "__Host-a5", domain: BARE, secure: true }, "InvalidPrefix"],
    [WWW, { name: "__Secure-a6" }, "InvalidPrefix"],
    [WWW, { name: "a7", secure: true, samesite: "None" }, null],
    [WWW, { name: "a8", domain: BARE }, null],
  ];
  const bad = [];
  for (const [host, fields, want] of cases) {
    const { blocked, card } = await labRefusal(page, cdp, host, fields);
    const chromium = blocked.length ? blocked.join(",") : null;
    const predicted = card.match(/blocked \((\w+)\)/)?.[1] ?? (card.includes("A browser keeps this cookie") ? null : "?");
    if (chromium !== want) bad.push(`${host} ${JSON.stringify(fields)}: Chromium said ${chromium}, the test expects ${want}`);
    if (predicted !== chromium) bad.push(`${host} ${JSON.stringify(fields)}: goldfish said ${predicted}, Chromium ${chromium}`);
  }
  expect(bad.length === 0, bad.join("; "));
  // The checker form on this host checks against this host by default.
  await go(page, at(WWW, "/cookies"));
  const url = await page.locator('input[name="url"]').inputValue();
  expect(url === at(WWW, "/"), `the checker's URL defaults to ${url}`);
});

// --- Lax+POST: after two minutes, the unset cookie stays home ----------------

/** Sets the four cookies now; returns a function that, once Chromium's
 * two-minute window has passed, sends evil.localhost's POST form and reads
 * the board. Runs in its own context, beside the other checks. */
async function startLatePost(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await go(page, at(WWW, "/sites/samesite"));
  await navigateBy(page, () => page.locator("#set-cookies").click());
  const boardUrl = at(WWW, `/sites/samesite?board=${new URL(page.url()).searchParams.get("board")}`);
  const setAt = Date.now();
  return async () => {
    try {
      const wait = 125_000 - (Date.now() - setAt);
      if (wait > 0) await sleep(wait);
      await go(page, boardUrl);
      await go(page, await page.locator("#go-evil").getAttribute("href"));
      await navigateBy(page, () => page.locator("#via-post-form button").click());
      await go(page, boardUrl);
      const cell = (name) => page.locator(`#samesite-board tr[data-from="evil"][data-via="post-form"] td[data-cookie="${name}"]`);
      const unset = await cell("ss_unset").getAttribute("data-sent");
      const none = await cell("ss_none").getAttribute("data-sent");
      const expected = await cell("ss_unset").getAttribute("data-expected");
      expect(none === "yes", "ss_none did not come on the late POST");
      expect(unset === "no", "ss_unset still came on a cross-site POST after two minutes");
      expect(expected === "not-sent", `the board expected ${expected} for the late POST`);
    } finally {
      await context.close();
    }
  };
}

// --- main ---------------------------------------------------------------------

const started = Date.now();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: CHROMIUM_ARGS,
});
let failed = 0;
let total = 0;
const report = async (name, run) => {
  total++;
  try {
    await run();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    const why = e instanceof CheckError ? e.message : (e.stack || String(e)).split("\n").slice(0, 3).join(" | ");
    console.log(`FAIL ${name}: ${why.replace(/\x1b\[[0-9;]*m/g, "")}`);
  }
};

let latePost = null;
await report("Lax+POST: the four cookies are set for the two-minute check", async () => {
  latePost = await startLatePost(browser);
});

for (const { name, fn, kind } of checks) {
  await report(name, async () => {
    if (kind === "third-party-allowed") {
      // A profile that allows third-party cookies: what the settings page writes.
      const dir = mkdtempSync(join(tmpdir(), "goldfish-3p-"));
      mkdirSync(join(dir, "Default"));
      writeFileSync(join(dir, "Default", "Preferences"), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
        headless: true,
        args: CHROMIUM_ARGS,
      });
      try {
        context.setDefaultTimeout(10_000);
        const page = context.pages()[0] || (await context.newPage());
        await fn(page, context, browser);
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    try {
      await fn(await context.newPage(), context, browser);
    } finally {
      await context.close();
    }
  });
}
if (latePost) {
  await report("Lax+POST: after two minutes, ss_unset no longer rides on a cross-site POST", latePost);
}
const version = browser.version();
await browser.close();
console.log(`sites checks took ${((Date.now() - started) / 1000).toFixed(1)} s (Chromium ${version})`);
console.log(`sites: ${total - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
