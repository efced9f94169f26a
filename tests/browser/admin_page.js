// The admin page driven in a real browser: Debian's chromium through
// playwright-core (pinned; scripts/test installs it into build-node/).
// Starts `slotwise serve` on a free port over a fresh database, seeds it
// through the API, then signs in, sees the week, books, cancels,
// reschedules, confirms one customer's request and rejects another with a
// reason, edits weekly hours and a service's "requires confirmation", sees
// an API error with its field, switches
// to Italian, checks that a customer named like markup renders as text and
// that a phone screen has no horizontal scroll. Any console error, page
// error, dialog, failed request or unexpected error status fails it.
// Screenshots go to OUT_DIR. Without node modules or chromium: exit 77.
//
// Usage: node admin_page.js SLOTWISE_CLI OUT_DIR
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const CHROMIUM = process.env.SLOTWISE_CHROMIUM || "/usr/bin/chromium";
const [cli, outDir] = process.argv.slice(2);
if (!cli || !outDir) {
  console.error("usage: node admin_page.js SLOTWISE_CLI OUT_DIR");
  process.exit(2);
}

function skip(why) {
  console.error(`SKIPPED: ${why}`);
  process.exit(77);
}

let playwright;
try {
  playwright = require("playwright-core");
} catch (_) {
  skip("the npm package playwright-core is not installed (scripts/test installs it into build-node/)");
}
if (!fs.existsSync(CHROMIUM)) skip(`no browser at ${CHROMIUM} (Debian package chromium, scripts/install-deps)`);

const XSS = "<img src=x onerror=alert(1)>";
const problems = [];  // what fails the test, however far it got

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

// Clicks `button` and waits for the page's write to `path` to be answered
// and "Saved." shown: the message may still be up from an earlier save, so
// it alone does not say that this one is done.
async function saved(page, path, button) {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() !== "GET");
  await button.click();
  const response = await answered;
  check(response.ok(), `the page's ${response.request().method()} ${path} succeeds`);
  await page.locator("#message:not(.error)", { hasText: "Saved." }).waitFor();
}

// --- the server -------------------------------------------------------------
async function startServer(dir) {
  const db = path.join(dir, "shop.db");
  const proc = spawn(cli, ["serve", db, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${log}`)), 20000);
    proc.stdout.on("data", (d) => {
      out += d;
      const key = /admin key: (\S+)/.exec(out);
      const url = /listening on (http:\/\/\S+)/.exec(out);
      if (key && url) {
        clearTimeout(timer);
        resolve({ key: key[1], base: url[1] });
      }
    });
    proc.on("exit", (code) => reject(new Error(`serve exited ${code}: ${out} ${log}`)));
  });
  return { proc, ...ready, log: () => log };
}

function apiClient(base, key) {
  const call = async (method, p, body) => {
    const res = await fetch(base + p, {
      method,
      headers: { "Authorization": `Bearer ${key}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return data;
  };
  call.base = base;
  return call;
}

// Tomorrow's date in Rome: every slot of it lies in the future.
function tomorrowInRome() {
  const f = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Rome", year: "numeric", month: "2-digit", day: "2-digit" });
  return f.format(new Date(Date.now() + 24 * 3600 * 1000));
}

async function seed(api) {
  const anna = await api("POST", "/v1/resources", { name: "Anna", kind: "staff", timezone: "Europe/Rome" });
  const marco = await api("POST", "/v1/resources", { name: "Marco", kind: "staff", timezone: "Europe/Rome" });
  const week = {};
  for (const d of ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) week[d] = [["09:00", "18:00"]];
  await api("PUT", `/v1/resources/${anna.id}/hours`, week);
  await api("PUT", `/v1/resources/${marco.id}/hours`, week);
  const cut = await api("POST", "/v1/services", { name: "Haircut", duration: 30, step: 30, resources: [anna.id, marco.id] });
  const day = tomorrowInRome();
  const slots = (await api("GET", `/v1/availability?service=${cut.id}&from=${day}&to=${day}&resource=${anna.id}`)).slots;
  if (slots.length < 10) throw new Error(`seed: expected a day of free slots, got ${slots.length}`);
  const book = (slot, name) => api("POST", "/v1/bookings",
    { service: cut.id, start: slot.start, resource: anna.id, customer: { name, email: "x@example.com" } });
  const alice = await book(slots[0], "Alice Cancel");
  const bob = await book(slots[2], "Bob Move");
  const xss = await book(slots[4], XSS);
  // A service that requires confirmation, and two requests a customer makes
  // with its own token (as a shop's front end would).
  const visit = await api("POST", "/v1/services", {
    name: "First visit", duration: 30, step: 30, resources: [anna.id, marco.id], requires_confirmation: true,
  });
  const token = await api("POST", "/v1/keys", { role: "customer", subject: "web-user-7", label: "browser test" });
  const customer = apiClient(api.base, token.secret);
  const request = (slot, name) => customer("POST", "/v1/bookings",
    { service: visit.id, start: slot.start, resource: anna.id, customer: { name, email: "c@example.com" } });
  const dana = await request(slots[6], "Dana Request");
  const eve = await request(slots[8], "Eve Request");
  if (dana.status !== "requested" || eve.status !== "requested") throw new Error("seed: the requests are not requested");
  return { anna, marco, cut, day, alice, bob, xss, visit, dana, eve };
}

// --- the browser ------------------------------------------------------------
// A page whose console errors, page errors, dialogs, failed requests and
// error responses are all problems, except responses a step expects.
async function watchedPage(browser, options, label) {
  const context = await browser.newContext({ timezoneId: "Europe/Rome", locale: "en-US", ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.expected = [];  // [{path, status}] error responses a step provokes on purpose
  const expectedNow = (url, status) => page.expected.some((e) => url.includes(e.path) && e.status === status);
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const url = (msg.location() && msg.location().url) || "";
    const m = /status of (\d+)/.exec(msg.text());
    if (m && expectedNow(url, Number(m[1]))) return;
    problems.push(`${label}: console error: ${msg.text()} (${url})`);
  });
  page.on("pageerror", (err) => problems.push(`${label}: page error: ${err.message}`));
  page.on("dialog", (d) => {
    problems.push(`${label}: unexpected dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("requestfailed", (r) => problems.push(`${label}: request failed: ${r.method()} ${r.url()} ${r.failure() && r.failure().errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400 && !expectedNow(r.url(), r.status())) problems.push(`${label}: ${r.status()} for ${r.url()}`);
  });
  return { context, page };
}

async function signIn(page, base, key, day) {
  await page.goto(`${base}/admin/?day=${day}`);
  await page.locator("#key").fill(key);
  await page.locator("#sign-in-form button[type=submit]").click();
  await page.locator("#app-view").waitFor({ state: "visible" });
  await page.locator("#calendar .booking").first().waitFor();
}

const noHorizontalScroll = (page) => page.evaluate(() =>
  document.documentElement.scrollWidth <= document.documentElement.clientWidth
  && document.body.scrollWidth <= document.documentElement.clientWidth);

async function run() {
  fs.mkdirSync(outDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slotwise-admin-page-"));
  const server = await startServer(dir);
  const api = apiClient(server.base, server.key);
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root (CI), chromium refuses to start with its sandbox.
    args: process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    const s = await seed(api);
    const shot = (page, name) => page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });

    // --- how the page is served ---------------------------------------------------
    const get = (p, init) => fetch(server.base + p, { redirect: "manual", ...init });
    for (const [file, type] of [["/admin/", "text/html"], ["/admin/admin.js", "text/javascript"],
      ["/admin/i18n.js", "text/javascript"], ["/admin/util.js", "text/javascript"],
      ["/admin/catalogue.js", "text/javascript"], ["/admin/admin.css", "text/css"], ["/admin/icon.svg", "image/svg+xml"]]) {
      const r = await get(file);
      check(r.status === 200 && r.headers.get("content-type").startsWith(type), `${file} is served as ${type}`);
      check(r.headers.get("x-content-type-options") === "nosniff" && r.headers.get("x-frame-options") === "DENY"
        && /script-src 'self'/.test(r.headers.get("content-security-policy") || ""), `${file} carries the security headers`);
    }
    const root = await get("/");
    check(root.status === 302 && root.headers.get("location") === "/admin/", "/ redirects to /admin/");
    check((await get("/admin/nothing.js")).status === 404, "an unknown file of the page is 404");
    const post = await get("/admin/", { method: "POST", body: "{}" });
    check(post.status === 405 && (await post.json()).error.code === "method_not_allowed", "the page answers only GET");
    const html = await (await get("/admin/")).text();
    check(!/<script>|<style|\son\w+=|\sstyle=/i.test(html), "the HTML has no inline script or style");

    // --- desktop -------------------------------------------------------------
    const { page } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } }, "desktop");
    await signIn(page, server.base, server.key, s.day);
    check(!page.url().includes(server.key), "the key is not in the URL");
    check(await page.evaluate(() => Object.keys(localStorage).every((k) => !localStorage.getItem(k).startsWith("swk_"))),
      "the key is not in localStorage");
    check(await page.evaluate(() => {
      const { en, it } = window.SLOTWISE_TEXTS;
      const used = [...document.querySelectorAll("[data-i18n]")].map((n) => n.dataset.i18n);
      return Object.keys(en).every((k) => it[k]) && Object.keys(it).every((k) => en[k]) && used.every((k) => en[k] && it[k]);
    }), "every text of the page exists in English and Italian");
    check(await page.locator("#calendar .column").count() === 7, "the week has seven days");
    check(await page.locator("#calendar .booking").count() === 5, "the week shows the five seeded bookings");
    check(await page.locator("#calendar .booking.status-requested").count() === 2, "the two requests show as requested");
    // Each status its own colours: a request never looks like a decided booking.
    const looks = await page.evaluate(() => [...document.querySelectorAll("#legend span")].map((n) => {
      const st = getComputedStyle(n);
      return `${n.className}|${st.backgroundColor}|${st.borderLeftColor}`;
    }));
    const colours = looks.map((l) => l.split("|").slice(1).join("|"));
    check(looks.length === 7 && new Set(colours).size === looks.length
      && ["requested", "offered", "rejected", "confirmed"].every((st) => looks.some((l) => l.startsWith(`status-${st}|`))),
    `every status has its own colours (${looks.join(", ")})`);
    await shot(page, "01-week");

    // A customer named like markup is text: no element made of it, no alert.
    const xssCard = page.locator(`#calendar .booking[data-id="${s.xss.id}"]`);
    check((await xssCard.locator(".who").textContent()) === XSS, "a markup-like name renders as its text");
    check(await page.locator("#calendar img").count() === 0, "no element was made of the name");

    // The day view: a column per resource.
    await page.locator("#view").selectOption("day");
    await page.locator("#calendar .column h3", { hasText: "Marco" }).waitFor();
    check(await page.locator("#calendar .column").count() === 2, "the day view has a column per resource");
    await page.locator("#view").selectOption("week");
    await page.locator("#calendar .column").nth(6).waitFor();

    // Create a booking: a free start from the availability API.
    await page.locator("#new-booking-open").click();
    await page.locator("#nb-service").selectOption(s.cut.id);
    await page.locator("#nb-resource").selectOption(s.marco.id);
    await page.locator("#nb-date").fill(s.day);
    await page.locator("#nb-find").click();
    await page.locator("#nb-slot option[value='3']").waitFor({ state: "attached" });
    await page.locator("#nb-slot").selectOption("3");
    await page.locator("#nb-name").fill("Carla New");
    await page.locator("#nb-email").fill("carla@example.com");
    await page.locator("#new-booking button[type=submit]").click();
    await page.locator("#calendar .booking", { hasText: "Carla New" }).waitFor();
    const made = (await api("GET", `/v1/bookings?resource=${s.marco.id}`)).bookings;
    check(made.length === 1 && made[0].customer.name === "Carla New" && made[0].status === "confirmed",
      "the booking made on the page is in the store, confirmed");
    await shot(page, "02-booked");

    // Cancel one.
    await page.locator(`#calendar .booking[data-id="${s.alice.id}"]`).click();
    await page.locator("#booking-detail [data-action=cancel]").click();
    await page.locator(`#calendar .booking.status-cancelled[data-id="${s.alice.id}"]`).waitFor();
    check((await api("GET", `/v1/bookings/${s.alice.id}`)).status === "cancelled", "the cancelled booking is cancelled in the store");

    // Reschedule one, to a start the availability API offers.
    await page.locator(`#calendar .booking[data-id="${s.bob.id}"]`).click();
    await page.locator("#booking-detail [data-action=reschedule]").click();
    await page.locator("#rs-find").click();
    await page.locator("#rs-slot option[value='6']").waitFor({ state: "attached" });
    const target = await page.locator("#rs-slot option[value='6']").textContent();
    await page.locator("#rs-slot").selectOption("6");
    await page.locator("#rs-move").click();
    await page.locator("#message:not(.error)", { hasText: "Booking moved." }).waitFor();
    const moved = await api("GET", `/v1/bookings/${s.bob.id}`);
    check(moved.start !== s.bob.start && target.startsWith(
      new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Rome", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .format(new Date(moved.start))), `the rescheduled booking starts at the chosen time (${target})`);
    await shot(page, "03-cancelled-and-moved");

    // Confirm a request: only a requested booking offers it, and not rescheduling.
    await page.locator(`#calendar .booking[data-id="${s.dana.id}"]`).click();
    check(await page.locator("#booking-detail [data-action=confirm]").count() === 1
      && await page.locator("#booking-detail [data-action=reject]").count() === 1
      && await page.locator("#booking-detail [data-action=reschedule]").count() === 0,
    "a requested booking offers confirm and reject");
    await shot(page, "03b-request");
    await page.locator("#booking-detail [data-action=confirm]").click();
    await page.locator(`#calendar .booking.status-confirmed[data-id="${s.dana.id}"]`).waitFor();
    await page.locator("#message:not(.error)", { hasText: "Booking confirmed." }).waitFor();
    check((await api("GET", `/v1/bookings/${s.dana.id}`)).status === "confirmed", "the confirmed request is confirmed in the store");
    check(await page.locator("#booking-detail [data-action=confirm]").count() === 0, "a confirmed booking offers no confirm");

    // Reject another, with a reason typed in the panel (no dialog).
    await page.locator(`#calendar .booking[data-id="${s.eve.id}"]`).click();
    await page.locator("#booking-detail [data-action=reject]").click();
    await page.locator("#rj-reason").fill("Anna is away <b>that</b> day");
    await page.locator("#rj-send").click();
    await page.locator(`#calendar .booking.status-rejected[data-id="${s.eve.id}"]`).waitFor();
    await page.locator("#message:not(.error)", { hasText: "Request rejected." }).waitFor();
    check((await api("GET", `/v1/bookings/${s.eve.id}`)).status === "rejected", "the rejected request is rejected in the store");
    check(await page.locator("#booking-detail [data-action=reject]").count() === 0
      && await page.locator("#booking-detail [data-action=cancel]").count() === 0, "a rejected booking offers nothing but closing");
    await shot(page, "03c-confirmed-and-rejected");

    // Weekly hours.
    await page.locator(".tabs button[data-tab=resources]").click();
    await page.locator(`#resource-list form[data-id="${s.anna.id}"] .edit-hours`).click();
    await page.locator("#hours-days input[name=mon]").fill("10:00-12:00, 13:00-17:30");
    await page.locator("#hours-days input[name=sun]").fill("");
    await saved(page, `/v1/resources/${s.anna.id}/hours`, page.locator("#hours-form button[type=submit]"));
    const hours = await api("GET", `/v1/resources/${s.anna.id}/hours`);
    check(JSON.stringify(hours.mon) === JSON.stringify([["10:00", "12:00"], ["13:00", "17:30"]]) && hours.sun.length === 0,
      "the weekly hours edited on the page are stored");

    // A resource added on the page, and a service edited.
    await page.locator("#new-resource input[name=name]").fill("Room 2");
    await page.locator("#new-resource select[name=kind]").selectOption("room");
    await page.locator("#new-resource button[type=submit]").click();
    await page.locator("#resource-list form .fields input[name=name] >> nth=2").waitFor();
    const rooms = (await api("GET", "/v1/resources")).resources.filter((r) => r.name === "Room 2");
    check(rooms.length === 1 && rooms[0].kind === "room" && rooms[0].timezone === "Europe/Rome",
      "a resource added on the page is stored (kind, the browser's zone)");
    await page.locator(".tabs button[data-tab=services]").click();
    const row = page.locator(`#service-list form[data-id="${s.cut.id}"]`);
    await row.locator("input[name=name]").fill("Long haircut");
    await row.locator("input[name=duration]").fill("45");
    check(!(await row.locator("input[name=requires_confirmation]").isChecked())
      && await page.locator(`#service-list form[data-id="${s.visit.id}"] input[name=requires_confirmation]`).isChecked(),
    "the service editor shows which services require confirmation");
    await row.locator("input[name=requires_confirmation]").check();
    await row.locator("input[name=request_expiry]").fill("90");
    await saved(page, `/v1/services/${s.cut.id}`, row.locator("button[type=submit]"));
    const edited = await api("GET", `/v1/services/${s.cut.id}`);
    check(edited.name === "Long haircut" && edited.duration === 45 && edited.resource_groups.flat().length === 2,
      "a service edited on the page is stored, its resources kept");
    check(edited.requires_confirmation === true && edited.request_expiry === 90,
      "the service now requires confirmation, its requests lapsing after 90 minutes");
    await page.locator(".tabs button[data-tab=resources]").click();

    // An API error is shown with its message and field.
    page.expected.push({ path: `/v1/resources/${s.anna.id}/hours`, status: 400 });
    await page.locator("#hours-days input[name=tue]").fill("09:00-48:30");
    await page.locator("#hours-form button[type=submit]").click();
    await page.locator("#message.error").waitFor();
    const error = await page.locator("#message").textContent();
    check(/tue\[0\]/.test(error) && /invalid_argument/.test(error), `the API error names its field (${error})`);
    check(await page.locator("#hours-days input[name=tue][aria-invalid=true]").count() === 1, "the input at fault is marked");
    page.expected.length = 0;
    await shot(page, "04-hours-error");

    // Italian.
    await page.locator("#lang").selectOption("it");
    check((await page.locator(".tabs button[data-tab=calendar]").textContent()) === "Calendario", "the tabs speak Italian");
    await page.locator(".tabs button[data-tab=calendar]").click();
    check((await page.locator("#new-booking-open").textContent()) === "Nuova prenotazione", "the calendar speaks Italian");
    check(await page.locator("#legend span.status-cancelled", { hasText: "annullata" }).count() === 1
      && await page.locator("#legend span.status-rejected", { hasText: "rifiutata" }).count() === 1, "statuses speak Italian");
    // API errors come in the page's language (Accept-Language).
    page.expected.push({ path: `/v1/resources/${s.anna.id}/hours`, status: 400 });
    await page.locator(".tabs button[data-tab=resources]").click();
    await page.locator("#hours-form button[type=submit]").click();
    await page.locator("#message.error").waitFor();
    const errorIt = await page.locator("#message").textContent();
    check(/campo: tue\[0\]\[1\]/.test(errorIt) && !errorIt.includes("Some details"), `the API error speaks Italian (${errorIt})`);
    page.expected.length = 0;
    await page.locator(".tabs button[data-tab=calendar]").click();
    await shot(page, "05-italian");

    // --- phone -----------------------------------------------------------------
    const phone = await watchedPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, "phone");
    await signIn(phone.page, server.base, server.key, s.day);
    check(await noHorizontalScroll(phone.page), "phone: the week has no horizontal scroll");
    await shot(phone.page, "06-phone-week");
    await phone.page.locator(`#calendar .booking[data-id="${s.xss.id}"]`).click();
    await phone.page.locator("#booking-detail").waitFor({ state: "visible" });
    check(await noHorizontalScroll(phone.page), "phone: a booking's detail has no horizontal scroll");
    await phone.page.locator("#new-booking-open").click();
    check(await noHorizontalScroll(phone.page), "phone: the booking form has no horizontal scroll");
    for (const tab of ["resources", "services"]) {
      await phone.page.locator(`.tabs button[data-tab=${tab}]`).click();
      check(await noHorizontalScroll(phone.page), `phone: ${tab} have no horizontal scroll`);
    }
    await shot(phone.page, "07-phone-services");
    await phone.context.close();
  } finally {
    await browser.close();
    server.proc.kill("SIGTERM");
    const code = await new Promise((resolve) => server.proc.on("exit", resolve));
    if (code !== 0) problems.push(`serve exited ${code}`);
    fs.rmSync(dir, { recursive: true, force: true });
    if (problems.length) console.error(`access log:\n${server.log()}`);
  }
}

run().then(() => {
  if (problems.length) {
    for (const p of problems) console.error(`FAIL: ${p}`);
    process.exit(1);
  }
  console.log(`all checks passed; screenshots in ${outDir}`);
}, (err) => {
  console.error(`FAIL: ${err.stack || err}`);
  for (const p of problems) console.error(`FAIL: ${p}`);
  process.exit(1);
});
