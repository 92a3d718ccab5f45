// The "Predict, then observe" questions of the multi-site lessons, answered
// by observing, for course.mjs's walk of the guided path.
//
// The walk runs as one learner on http://127.0.0.1:PORT. Questions that
// need goldfish's other host names (www., shop., evil.localhost,
// tracker.localhost) are observed in a fresh browser context of their own,
// so that the learner's jar holds only 127.0.0.1's cookies (the walk's
// "Start over" check empties that one site). The ports questions need the
// second port: run.sh passes it in GOLDFISH_ALSO.

import { playSameSite, tracker } from "./sites-play.mjs";

/** `h`: course.mjs's helpers. Returns one observer per question id (the
 * ids, lesson by lesson, are in course.mjs's LESSONS). */
export function siteLessons(h) {
  const { browser, url, goto, click, arrive, text, xray, cookieLine, expect, show, watch } = h;
  const port = new URL(url("/")).port;
  const at = (host, path) => `http://${host}:${port}${path}`;
  const WWW = "www.goldfish.localhost";
  const SHOP = "shop.goldfish.localhost";
  const EVIL = "evil.localhost";
  const go = async (page, address, want = 200) => {
    const status = await arrive(page, () => page.goto(address));
    expect(status === want, `GET ${address} answered ${status}, expected ${want}`);
  };
  const navigateBy = (page, action) => arrive(page, action);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const play = { go, navigateBy, at, expect, sleep };

  /** Runs `fn(page, context)` in a fresh context (an empty jar). */
  async function fresh(fn) {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    watch(page);
    try {
      return await fn(page, context);
    } finally {
      await context.close();
    }
  }
  const sent = async (page) => cookieLine(await xray(page));
  const timeline = (page) =>
    page.locator("#timeline li").evaluateAll((lis) =>
      lis.map((li) => ({ dest: li.dataset.dest, status: li.dataset.status, cookie: li.dataset.cookie, text: li.innerText })));

  // One play of the SameSite lesson answers its four questions.
  let board = null;
  const cell = async (from, via, cookie) => {
    board ??= await fresh((page) => playSameSite(page, play));
    return board.find((c) => c.from === from && c.via === via && c.cookie === cookie)?.sent;
  };
  const cells = async (from, via) => {
    const out = {};
    for (const name of ["ss_strict", "ss_lax", "ss_none", "ss_unset"]) out[name] = await cell(from, via, name);
    return out;
  };

  // CSRF: a demo account signed in on www., then one attack from evil.localhost.
  async function csrfAttack(page, id) {
    await go(page, at(WWW, "/sites/csrf"));
    await navigateBy(page, () => page.locator("#csrf-sign-in").click());
    await go(page, await page.locator("#go-evil").getAttribute("href"));
    const answered = page.waitForResponse((r) => r.request().method() === "POST");
    await navigateBy(page, () => page.locator(`#attack-${id} button`).click());
    return (await answered).status();
  }

  const OBSERVE = {
    // The conversation, from real bytes.
    "q-timeline-css": async ({ page }) => {
      await click(page, page.locator("#timeline-start"));
      await goto(page, "/later-cookie");
      await goto(page, "/sites/timeline");
      const rows = await timeline(page);
      const css = rows.find((r) => r.dest === "style" && r.text.includes("GET /static/site.css") && r.cookie.includes("fav_color="));
      expect(css, `no stylesheet request carrying fav_color among ${rows.length} exchanges`);
    },
    "q-timeline-303": async ({ page }) => {
      await goto(page, "/sites/samesite");
      await click(page, page.locator("#set-cookies"));
      await goto(page, "/sites/timeline");
      const rows = await timeline(page);
      const i = rows.findIndex((r) => r.status === "303" && r.text.includes("POST /sites/samesite "));
      expect(i >= 0, "the POST and its 303 are not on the timeline");
      expect((rows[i].text.match(/Set-Cookie: ss_/g) || []).length === 4, "the 303 did not set four cookies");
      const next = rows.slice(i + 1).find((r) => r.dest === "document");
      expect(next && next.text.includes("GET /sites/samesite?board=") && next.cookie.includes("ss_strict="), "the GET after the 303 does not carry the new cookies");
      await click(page, page.locator("#timeline-stop"));
      expect((await page.locator("#timeline-state").getAttribute("data-recording")) === "no", "the recorder did not stop");
    },
    // Many sites on one machine.
    "q-tour-evil": () =>
      fresh(async (page) => {
        await go(page, at(WWW, "/sites/domain"));
        await go(page, at(EVIL, "/"));
        expect((await sent(page)) === "", `evil.localhost received ${show(await sent(page))}`);
      }),
    "q-tour-origin": () =>
      fresh(async (page) => {
        await go(page, at(WWW, "/sites"));
        const request = page.waitForRequest((r) => r.isNavigationRequest() && r.url().startsWith(`http://${SHOP}:`));
        await navigateBy(page, () => page.locator(`#sites-hosts a[href^="http://${SHOP}:"]`).click());
        expect(new URL(page.url()).origin !== `http://${WWW}:${port}`, "the shop has the same origin");
        const site = (await (await request).allHeaders())["sec-fetch-site"];
        expect(site === "same-site", `the link from www. to the shop was ${site}, not same-site`);
      }),
    // Domain.
    "q-domain-third": () =>
      fresh(async (page) => {
        await go(page, at(WWW, "/sites/domain"));
        await go(page, at(SHOP, "/"));
        await go(page, at(WWW, "/sites/domain"));
        expect((await sent(page)).includes("num_visits=2"), `the third request carried ${show(await sent(page))}`);
      }),
    "q-domain-bare": () =>
      fresh(async (page) => {
        await go(page, at(SHOP, "/"));
        await go(page, at(SHOP, "/"));
        expect((await sent(page)).includes("cus_type=member"), "the shop did not keep cus_type");
        await go(page, at("goldfish.localhost", "/sites/domain"));
        const line = await sent(page);
        expect(line.includes("num_visits=") && !line.includes("cus_type"), `goldfish.localhost received ${show(line)}`);
      }),
    "q-domain-sibling": async ({ page }) => {
      await goto(page, "/cookies");
      const form = page.locator('form[action="/cookies/check#check-report"]');
      await form.locator("textarea").fill("Set-Cookie: a=1; Domain=www.goldfish.localhost");
      await form.locator('input[name="url"]').fill(`http://${SHOP}/`);
      await click(page, form.getByRole("button", { name: "Check it" }));
      const verdict = await text(page, "#check-report h3");
      expect(verdict.startsWith("Rejected"), `the checker says ${show(verdict)}`);
      await goto(page, "/sites/domain");
    },
    // Path.
    "q-path-checkout": async ({ page }) => {
      await click(page, page.locator("#add-goldfish"));
      await goto(page, "/shop/checkout");
      const line = await sent(page);
      expect(line.includes("cart=") && !line.includes("last_added"), `/shop/checkout received ${show(line)}`);
    },
    "q-path-shopping": async ({ page }) => {
      await goto(page, "/shopping");
      expect(!(await sent(page)).includes("cart="), "/shopping received cart");
    },
    // Ports.
    "q-ports-cookie": async ({ page }) => {
      const also = process.env.GOLDFISH_ALSO;
      expect(also, "the ports questions need goldfish's second port: run.sh sets GOLDFISH_ALSO (start goldfish with --also-port)");
      await goto(page, "/sites/ports");
      await arrive(page, () => page.goto(new URL("/sites/ports", also).href));
      expect((await sent(page)).includes(`port_seen=${port}`), `port ${new URL(also).port} received ${show(await sent(page))}`);
    },
    "q-ports-storage": async ({ page }) => {
      await page.evaluate(() => localStorage.setItem("ports_demo", "set on the second port"));
      await goto(page, "/sites/ports");
      const seen = await page.evaluate(() => localStorage.getItem("ports_demo"));
      expect(seen === null, `the first port's localStorage holds ${show(String(seen))}`);
    },
    // SameSite.
    "q-ss-link": async () => {
      const got = await cells("evil", "link");
      expect(JSON.stringify(got) === JSON.stringify({ ss_strict: "no", ss_lax: "yes", ss_none: "yes", ss_unset: "yes" }), `the link carried ${JSON.stringify(got)}`);
    },
    "q-ss-post": async () => {
      const got = await cells("evil", "post-form");
      expect(JSON.stringify(got) === JSON.stringify({ ss_strict: "no", ss_lax: "no", ss_none: "yes", ss_unset: "yes" }), `the POST form carried ${JSON.stringify(got)}`);
    },
    "q-ss-img": async () => {
      const got = await cells("evil", "img");
      expect(Object.values(got).every((v) => v === "no"), `the image carried ${JSON.stringify(got)}`);
    },
    "q-ss-shop": async () => {
      const got = await cells("shop", "img");
      expect(Object.values(got).every((v) => v === "yes"), `the shop's image carried ${JSON.stringify(got)}`);
    },
    // Third-party cookies and Partitioned.
    "q-tp-reload": () =>
      fresh(async (page) => {
        await tracker(page, play, at(WWW, "/sites/third-party"));
        const again = await tracker(page, play, at(WWW, "/sites/third-party"));
        expect(again.chips.arrived === "yes" && again.id.arrived === "no", `the frame got tp_chips=${again.chips.arrived}, tp_id=${again.id.arrived}`);
      }),
    "q-tp-other": () =>
      fresh(async (page) => {
        const here = await tracker(page, play, at(WWW, "/sites/third-party"));
        const there = await tracker(page, play, at(EVIL, "/third-party"));
        expect(there.chips.arrived === "no" && there.chips.value !== here.chips.value, "evil.localhost's frame got goldfish's partitioned cookie");
      }),
    // CSRF.
    "q-csrf-open": () =>
      fresh(async (page) => {
        expect((await csrfAttack(page, "open")) === 303, "the open endpoint refused");
        expect((await text(page, "#csrf-colour")) === "black", "the colour is not black");
      }),
    "q-csrf-lax": () =>
      fresh(async (page) => {
        expect((await csrfAttack(page, "lax")) === 403, "the lax endpoint did not refuse");
        expect((await text(page, "#csrf-refused")).includes("SameSite=Lax"), "the refusal does not name SameSite=Lax");
        expect((await text(page, "main")).includes("no demo_lax cookie came"), "the refusal does not say which cookie was missing");
      }),
    "q-csrf-shop": () =>
      fresh(async (page) => {
        await go(page, at(WWW, "/sites/csrf"));
        await navigateBy(page, () => page.locator("#csrf-sign-in").click());
        await go(page, at(SHOP, "/"));
        // A form on the shop's page, as the shop's own HTML could hold.
        await page.evaluate((action) => {
          const f = document.createElement("form");
          f.method = "post";
          f.action = action;
          f.innerHTML = '<input type="hidden" name="colour" value="red"><button id="shop-post">Post</button>';
          document.querySelector("main").append(f);
        }, at(WWW, "/sites/csrf/origin"));
        const answered = page.waitForResponse((r) => r.request().method() === "POST");
        await navigateBy(page, () => page.locator("#shop-post").click());
        expect((await answered).status() === 403, "a same-site form from the shop was not refused");
        expect(/Sec-Fetch-Site: same-site/.test(await text(page, "main")), "the refusal does not show Sec-Fetch-Site: same-site");
      }),
  };

  return { OBSERVE };
}
