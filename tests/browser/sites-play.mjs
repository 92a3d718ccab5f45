// What the multi-site lessons look like from a browser, played the same
// way by sites.mjs (which asserts every detail) and by course.mjs (which
// answers the lessons' questions with them).
//
// Each function takes the page to drive and the helpers of the script that
// calls it: `go(page, url)` loads a page and checks its status,
// `navigateBy(page, action)` waits for the navigation a click starts,
// `at(host, path)` is a URL on one of goldfish's host names on the port
// under test, `expect(cond, why)` fails the check, `sleep(ms)`.

/** Plays the SameSite lesson: sets the cookies, lets evil.localhost and the
 * shop send their six requests, and returns the board's cells. */
export async function playSameSite(page, { go, navigateBy, at, expect, sleep }) {
  await go(page, at("www.goldfish.localhost", "/sites/samesite"));
  await navigateBy(page, () => page.locator("#set-cookies").click());
  // The 303 leads to /sites/samesite?board=ID (goldfish may add a via=
  // token of its own, for the X-ray of the redirect).
  const board = new URL(page.url()).searchParams.get("board");
  expect(/^[A-Za-z0-9_-]{22}$/.test(board || ""), `setting the cookies led to ${page.url()}`);
  const boardUrl = at("www.goldfish.localhost", `/sites/samesite?board=${board}`);
  const pages = {
    evil: await page.locator("#go-evil").getAttribute("href"),
    shop: await page.locator("#go-shop").getAttribute("href"),
  };
  for (const from of ["evil", "shop"]) {
    const pageUrl = pages[from];
    // Loading the page sends the image, the frame and the fetch.
    await go(page, pageUrl);
    await page.waitForFunction(() => document.getElementById("via-fetch")?.dataset.done === "yes", null, { timeout: 10_000 });
    await page.frameLocator("#via-iframe").locator("#probe-came").waitFor();
    for (const via of ["link", "get-form", "post-form"]) {
      await go(page, pageUrl);
      const clickable = via === "link" ? "#via-link" : `#via-${via} button`;
      await navigateBy(page, () => page.locator(clickable).click());
      expect(new URL(page.url()).pathname === "/sites/samesite/probe", `${from} ${via} went to ${page.url()}`);
    }
  }
  // The image may be the last to be written down: wait until every row has arrived.
  const deadline = Date.now() + 10_000;
  for (;;) {
    await go(page, boardUrl);
    const waiting = await page.locator('#samesite-board td[data-sent="none"]').count();
    if (waiting === 0) break;
    expect(Date.now() < deadline, `${waiting} cells of the board never arrived`);
    await sleep(200);
  }
  return page.locator("#samesite-board td[data-cookie]").evaluateAll((tds) =>
    tds.map((td) => ({
      from: td.parentElement.dataset.from,
      via: td.parentElement.dataset.via,
      site: td.parentElement.children[2].innerText,
      cookie: td.dataset.cookie,
      sent: td.dataset.sent,
      expected: td.dataset.expected,
      agrees: td.dataset.agrees,
    })),
  );
}

/** Reads the tracker frame: what came with its request. */
export async function tracker(page, { go }, url) {
  await go(page, url);
  const frame = page.frameLocator("#tracker-frame");
  await frame.locator("#embed-cookies").waitFor();
  const row = async (name) => ({
    arrived: await frame.locator(`tr[data-cookie="${name}"]`).getAttribute("data-arrived"),
    value: await frame.locator(`tr[data-cookie="${name}"]`).getAttribute("data-value"),
    seen: await frame.locator(`tr[data-cookie="${name}"]`).getAttribute("data-seen"),
  });
  return { id: await row("tp_id"), chips: await row("tp_chips"), verdict: await frame.locator("#embed-verdict").innerText() };
}

