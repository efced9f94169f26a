// The admin page: signs in with an admin key, then drives the JSON API
// (/v1/…) with it. Data from the server only ever reaches the DOM as text
// (textContent, attribute values set through the DOM): never as markup.
// The key lives in sessionStorage (this tab only) and travels only in the
// Authorization header, never in a URL.
"use strict";

(() => {
  const KEY_STORE = "slotwise.adminKey";
  const LANG_STORE = "slotwise.lang";
  const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const KINDS = ["staff", "room", "equipment", "table"];
  const STATUSES = ["confirmed", "pending", "requested", "offered", "cancelled", "expired"];
  const PAGE = 1000;

  const state = {
    lang: "en",
    resources: [],
    services: [],
    bookings: [],
    view: "week",
    anchor: null,  // {y, m, d}: a day of the shown range, in the display zone
    resource: "",  // "" = every resource
    selected: null,  // the booking shown in the detail panel
  };

  // --- small helpers -----------------------------------------------------
  const $ = (id) => document.getElementById(id);

  // Builds an element; strings among the children become text nodes.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k in node && typeof v !== "string") node[k] = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function t(key) {
    const texts = window.SLOTWISE_TEXTS;
    return (texts[state.lang] && texts[state.lang][key]) || texts.en[key] || key;
  }

  // --- messages and errors -----------------------------------------------
  function showMessage(text, isError) {
    markInvalid(null);
    const box = $("message");
    box.textContent = text;
    box.classList.toggle("error", !!isError);
    box.hidden = false;
  }

  function clearMessage() {
    $("message").hidden = true;
    $("message").textContent = "";
    markInvalid(null);
  }

  // Marks the shown input that `field` names ("tue[0][1]" names "tue",
  // "customer.name" itself), clearing any earlier mark.
  function markInvalid(field) {
    for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    if (!field) return;
    const names = [field, field.split(/[[.]/)[0]];
    for (const name of names) {
      const hit = [...document.querySelectorAll("input[name], select[name]")]
        .find((n) => n.name === name && n.offsetParent !== null);
      if (hit) {
        hit.setAttribute("aria-invalid", "true");
        return;
      }
    }
  }

  // Every API error is shown with its message, the field at fault and its code.
  function showError(err) {
    if (err && err.code) {
      const parts = [err.message || err.code];
      if (err.field) parts.push(`${t("field")}: ${err.field}`);
      parts.push(`[${err.code}]`);
      showMessage(parts.join(" — "), true);
      markInvalid(err.field);
    } else {
      showMessage(t("networkError"), true);
    }
  }

  // Runs an action, showing its error (and signing out on 401).
  async function guarded(fn) {
    try {
      return await fn();
    } catch (err) {
      showError(err);
      if (err && err.status === 401) signOut(false);
      return undefined;
    }
  }

  // --- the API -----------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body) {
      const e = (body && body.error) || {};
      super(e.message || `HTTP ${status}`);
      this.status = status;
      this.code = e.code || `http_${status}`;
      this.field = e.field || null;
    }
  }

  async function api(method, path, body) {
    const headers = {
      "Authorization": `Bearer ${sessionStorage.getItem(KEY_STORE) || ""}`,
      "Accept": "application/json",
      "Accept-Language": state.lang,
    };
    const init = { method, headers, cache: "no-store", credentials: "omit" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (method === "POST" && path === "/v1/bookings") headers["Idempotency-Key"] = crypto.randomUUID();
    const res = await fetch(path, init);
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (_) {
        data = null;
      }
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null)).toString();
  const enc = encodeURIComponent;

  // --- time zones --------------------------------------------------------
  const formatters = new Map();
  function partsFormatter(tz) {
    if (!formatters.has(tz)) {
      formatters.set(tz, new Intl.DateTimeFormat("en-US", {
        timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit",
      }));
    }
    return formatters.get(tz);
  }

  // The wall clock of instant `ms` in zone `tz`.
  function localParts(ms, tz) {
    const p = {};
    for (const part of partsFormatter(tz).formatToParts(new Date(ms))) p[part.type] = part.value;
    return { y: +p.year, m: +p.month, d: +p.day, hh: +p.hour, mm: +p.minute };
  }

  // The instant at which the wall clock of `tz` reads day {y, m, d} at 00:00.
  function zonedMidnight(day, tz) {
    const wall = Date.UTC(day.y, day.m - 1, day.d);
    const offsetAt = (ms) => {
      const p = localParts(ms, tz);
      return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm) - Math.floor(ms / 60000) * 60000;
    };
    let ms = wall - offsetAt(wall);
    ms = wall - offsetAt(ms);
    return ms;
  }

  const addDays = (day, n) => {
    const d = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
    return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
  };
  const weekday = (day) => (new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7;  // 0 = Monday
  const sameDay = (a, b) => a.y === b.y && a.m === b.m && a.d === b.d;
  const pad = (n) => String(n).padStart(2, "0");
  const isoDay = (day) => `${day.y}-${pad(day.m)}-${pad(day.d)}`;
  const parseDay = (s) => {
    const [y, m, d] = s.split("-").map(Number);
    return { y, m, d };
  };
  const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

  function resourceById(id) {
    return state.resources.find((r) => r.id === id);
  }
  function serviceById(id) {
    return state.services.find((s) => s.id === id);
  }
  // The calendar shows the wall clock of the chosen resource (or the first one).
  function displayZone() {
    const r = resourceById(state.resource) || state.resources[0];
    return r ? r.timezone : browserZone();
  }
  function zoneOfResource(id) {
    const r = resourceById(id);
    return r ? r.timezone : displayZone();
  }
  const hhmm = (ms, tz) => {
    const p = localParts(ms, tz);
    return `${pad(p.hh)}:${pad(p.mm)}`;
  };
  function dayLabel(day, long) {
    const fmt = new Intl.DateTimeFormat(state.lang, {
      timeZone: "UTC", weekday: long ? "long" : "short", day: "numeric", month: long ? "long" : "short",
    });
    return fmt.format(new Date(Date.UTC(day.y, day.m - 1, day.d)));
  }
  function whenText(b) {
    const tz = zoneOfResource(b.resource);
    const start = Date.parse(b.start);
    const p = localParts(start, tz);
    return `${dayLabel(p, true)} ${hhmm(start, tz)}–${hhmm(Date.parse(b.end), tz)} (${tz})`;
  }

  // --- texts of the static page --------------------------------------------
  function applyTexts() {
    document.documentElement.lang = state.lang;
    document.title = `slotwise — ${t("title")}`;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", t(node.dataset.i18nAria));
    $("lang").value = state.lang;
  }

  function setLanguage(lang) {
    state.lang = lang === "it" ? "it" : "en";
    localStorage.setItem(LANG_STORE, state.lang);
    applyTexts();
    if (!$("app-view").hidden) renderAll();
  }

  // --- sign in and out ---------------------------------------------------------
  async function signIn(key) {
    sessionStorage.setItem(KEY_STORE, key);
    try {
      // An admin-only route: a staff or customer key is refused here, at once.
      await api("GET", "/v1/keys");
      await loadCatalogue();
    } catch (err) {
      sessionStorage.removeItem(KEY_STORE);
      showError(err);
      return;
    }
    clearMessage();
    $("key").value = "";
    $("sign-in-view").hidden = true;
    $("app-view").hidden = false;
    $("sign-out").hidden = false;
    const today = localParts(Date.now(), displayZone());
    state.anchor = { y: today.y, m: today.m, d: today.d };
    // The page may be opened on a given day (?day=2026-06-01): a date, never a key.
    const wanted = new URLSearchParams(location.search).get("day");
    if (wanted && /^\d{4}-\d{2}-\d{2}$/.test(wanted)) state.anchor = parseDay(wanted);
    showTab("calendar");
    renderAll();
    await refreshBookings();
  }

  function signOut(announce) {
    sessionStorage.removeItem(KEY_STORE);
    state.bookings = [];
    state.selected = null;
    $("app-view").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in-view").hidden = false;
    if (announce) showMessage(t("signedOut"), false);
  }

  async function loadCatalogue() {
    const [resources, services] = await Promise.all([api("GET", "/v1/resources"), api("GET", "/v1/services")]);
    state.resources = resources.resources;
    state.services = services.services;
  }

  function showTab(name) {
    for (const b of document.querySelectorAll(".tabs button")) {
      b.setAttribute("aria-selected", String(b.dataset.tab === name));
    }
    for (const tab of ["calendar", "resources", "services"]) $(`tab-${tab}`).hidden = tab !== name;
  }

  function renderAll() {
    renderResourceSelects();
    renderLegend();
    renderCalendar();
    renderDetail();
    renderResources();
    renderServices();
    renderServiceSelect();
  }

  // --- the calendar ----------------------------------------------------------
  function range() {
    if (state.view === "day") return { first: state.anchor, days: 1 };
    return { first: addDays(state.anchor, -weekday(state.anchor)), days: 7 };
  }

  async function refreshBookings() {
    await guarded(async () => {
      const { first, days } = range();
      const tz = displayZone();
      const from = new Date(zonedMidnight(first, tz)).toISOString().replace(/\.\d+Z$/, "Z");
      const to = new Date(zonedMidnight(addDays(first, days), tz)).toISOString().replace(/\.\d+Z$/, "Z");
      const all = [];
      let after = "";
      for (;;) {
        const page = await api("GET", `/v1/bookings?${qs({ from, to, resource: state.resource, limit: PAGE, after })}`);
        all.push(...page.bookings);
        if (page.bookings.length < PAGE) break;
        after = page.bookings[page.bookings.length - 1].id;
      }
      state.bookings = all;
      if (state.selected) state.selected = all.find((b) => b.id === state.selected.id) || state.selected;
    });
    renderCalendar();
    renderDetail();
  }

  function renderResourceSelects() {
    const select = $("cal-resource");
    select.replaceChildren(el("option", { value: "", text: t("allResources") }),
      ...state.resources.map((r) => el("option", { value: r.id, text: r.name })));
    select.value = state.resource;
    const nb = $("nb-resource");
    const keep = nb.value;
    nb.replaceChildren(el("option", { value: "", text: t("anyResource") }),
      ...state.resources.map((r) => el("option", { value: r.id, text: r.name })));
    nb.value = keep;
    for (const kind of document.querySelectorAll(".kind-select")) fillKinds(kind, kind.value || "staff");
  }

  function fillKinds(select, value) {
    select.replaceChildren(...KINDS.map((k) => el("option", { value: k, text: t(`kind_${k}`) })));
    select.value = value;
  }

  function renderLegend() {
    $("legend").replaceChildren(...STATUSES.map((s) => el("span", { class: `status-${s}`, text: t(`status_${s}`) })));
  }

  function bookingCard(b) {
    const tz = zoneOfResource(b.resource);
    const service = serviceById(b.service);
    const resource = resourceById(b.resource);
    return el("li", {},
      el("button", {
        type: "button", class: `booking status-${b.status}`, dataset: { id: b.id, status: b.status },
        onclick: () => {
          state.selected = b;
          renderDetail();
          $("booking-detail").scrollIntoView({ block: "nearest" });
        },
      },
      el("span", { class: "time", text: `${hhmm(Date.parse(b.start), tz)}–${hhmm(Date.parse(b.end), tz)}` }),
      el("span", { class: "who", text: b.customer.name }),
      el("span", { class: "what", text: `${service ? service.name : b.service} · ${resource ? resource.name : b.resource}` }),
      el("span", { class: "what", text: t(`status_${b.status}`) })));
  }

  function column(title, isToday, bookings) {
    const list = bookings.length
      ? el("ol", {}, bookings.map(bookingCard))
      : el("p", { class: "empty", text: t("noBookings") });
    return el("section", { class: isToday ? "column today" : "column" }, el("h3", { text: title }), list);
  }

  function renderCalendar() {
    if (!state.anchor) return;
    const { first, days } = range();
    const tz = displayZone();
    const today = localParts(Date.now(), tz);
    const sorted = [...state.bookings].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const dayOf = (b) => localParts(Date.parse(b.start), tz);
    const columns = [];
    if (state.view === "week") {
      for (let i = 0; i < days; ++i) {
        const day = addDays(first, i);
        columns.push(column(dayLabel(day, false), sameDay(day, today), sorted.filter((b) => sameDay(dayOf(b), day))));
      }
      $("range-label").textContent = `${dayLabel(first, false)} – ${dayLabel(addDays(first, 6), false)} (${tz})`;
    } else {
      const shown = state.resource ? state.resources.filter((r) => r.id === state.resource) : state.resources;
      for (const r of shown) {
        columns.push(column(r.name, false, sorted.filter((b) => b.resource === r.id && sameDay(dayOf(b), first))));
      }
      $("range-label").textContent = `${dayLabel(first, true)} (${tz})`;
    }
    const cal = $("calendar");
    cal.style.setProperty("--columns", String(Math.max(columns.length, 1)));
    cal.replaceChildren(...columns);
  }

  // What can be done to a booking, by its status. Confirm and reject (for
  // `requested` bookings) join this list as two entries once the API routes them.
  const ACTIONS = [
    {
      id: "cancel", label: "cancelBooking", danger: true,
      when: (b) => b.status === "confirmed" || b.status === "pending" || b.status === "requested",
      run: async (b) => {
        await api("POST", `/v1/bookings/${enc(b.id)}/cancel`);
        showMessage(t("cancelled"), false);
      },
    },
    {
      id: "reschedule", label: "reschedule",
      when: (b) => b.status === "confirmed" || b.status === "pending",
      run: (b) => openReschedule(b),
    },
  ];

  function renderDetail() {
    const panel = $("booking-detail");
    const b = state.selected;
    if (!b) {
      panel.hidden = true;
      panel.replaceChildren();
      return;
    }
    const service = serviceById(b.service);
    const resource = resourceById(b.resource);
    const row = (k, v) => [el("dt", { text: t(k) }), el("dd", { text: v })];
    const contact = [b.customer.email, b.customer.phone].filter(Boolean).join(" · ");
    panel.replaceChildren(
      el("h2", { text: t("booking") }),
      el("dl", { class: "detail" },
        row("customer", b.customer.name), contact ? row("email", contact) : [],
        row("service", service ? service.name : b.service),
        row("resource", resource ? resource.name : b.resource),
        row("when", whenText(b)),
        row("status", t(`status_${b.status}`)),
        row("payment", b.payment_status)),
      el("div", { class: "actions" },
        ACTIONS.filter((a) => a.when(b)).map((a) => el("button", {
          type: "button", class: a.danger ? "danger" : "", dataset: { action: a.id },
          text: t(a.label),
          onclick: () => guarded(async () => {
            await a.run(b);
            if (a.id !== "reschedule") await refreshBookings();
          }),
        })),
        el("button", { type: "button", text: t("close"), onclick: () => { state.selected = null; renderDetail(); } })),
      el("div", { id: "reschedule-box" }));
    panel.hidden = false;
  }

  // Fills `select` with the free starts of a service on one day; returns them.
  async function findSlots(service, day, resource, select) {
    const data = await api("GET", `/v1/availability?${qs({ service, from: day, to: day, resource })}`);
    select.replaceChildren(...(data.slots.length
      ? data.slots.map((s, i) => {
        const r = resourceById(s.resource);
        const tz = r ? r.timezone : displayZone();
        return el("option", { value: String(i), text: `${hhmm(Date.parse(s.start), tz)} · ${r ? r.name : s.resource}` });
      })
      : [el("option", { value: "", text: t("noTimes") })]));
    clearMessage();
    return data.slots;
  }

  function openReschedule(b) {
    const tz = zoneOfResource(b.resource);
    const date = el("input", { type: "date", id: "rs-date", value: isoDay(localParts(Date.parse(b.start), tz)) });
    const select = el("select", { id: "rs-slot" }, el("option", { value: "", text: t("pickTime") }));
    let slots = [];
    const picker = {
      date, select,
      find: () => guarded(async () => { slots = await findSlots(b.service, date.value, "", select); }),
      chosen: () => (select.value === "" ? null : slots[Number(select.value)] || null),
    };
    $("reschedule-box").replaceChildren(el("div", { class: "panel" },
      el("h3", { text: t("reschedule") }),
      el("div", { class: "fields" },
        el("label", {}, el("span", { text: t("date") }), picker.date),
        el("button", { type: "button", id: "rs-find", text: t("findTimes"), onclick: picker.find }),
        el("label", {}, el("span", { text: t("time") }), picker.select)),
      el("div", { class: "actions" },
        el("button", {
          type: "button", class: "primary", id: "rs-move", text: t("moveHere"),
          onclick: () => guarded(async () => {
            const slot = picker.chosen();
            if (!slot) {
              showMessage(t("pickTime"), true);
              return;
            }
            await api("POST", `/v1/bookings/${enc(b.id)}/reschedule`, { start: slot.start, resource: slot.resource });
            showMessage(t("rescheduled"), false);
            await refreshBookings();
          }),
        }))));
  }

  // --- new booking ---------------------------------------------------------------
  let newBookingSlots = [];
  function renderServiceSelect() {
    const select = $("nb-service");
    const keep = select.value;
    select.replaceChildren(...state.services.map((s) => el("option", { value: s.id, text: s.name })));
    if (keep) select.value = keep;
  }

  function openNewBooking() {
    renderServiceSelect();
    const form = $("new-booking");
    form.hidden = false;
    $("nb-date").value = isoDay(state.anchor);
    newBookingSlots = [];
    $("nb-slot").replaceChildren(el("option", { value: "", text: t("pickTime") }));
    form.scrollIntoView({ block: "nearest" });
  }

  function setUpNewBooking() {
    $("nb-find").addEventListener("click", () => guarded(async () => {
      newBookingSlots = await findSlots($("nb-service").value, $("nb-date").value, $("nb-resource").value, $("nb-slot"));
    }));
    $("new-booking").addEventListener("submit", (ev) => {
      ev.preventDefault();
      guarded(async () => {
        const i = $("nb-slot").value;
        const slot = i === "" ? null : newBookingSlots[Number(i)];
        if (!slot) {
          showMessage(t("pickTime"), true);
          return;
        }
        const body = {
          service: $("nb-service").value,
          start: slot.start,
          customer: { name: $("nb-name").value, email: $("nb-email").value, phone: $("nb-phone").value, locale: state.lang },
        };
        if (slot.resources && slot.resources.length > 1) body.resources = slot.resources;
        else body.resource = slot.resource;
        const booking = await api("POST", "/v1/bookings", body);
        showMessage(t("booked"), false);
        $("new-booking").hidden = true;
        for (const id of ["nb-name", "nb-email", "nb-phone"]) $(id).value = "";
        state.selected = booking;
        await refreshBookings();
      });
    });
    $("nb-close").addEventListener("click", () => { $("new-booking").hidden = true; });
  }

  // --- resources and their hours ------------------------------------------------
  function numberOrNull(v) {
    return v === "" ? null : Number(v);
  }

  function renderResources() {
    const list = $("resource-list");
    if (!state.resources.length) {
      list.replaceChildren(el("p", { class: "hint", text: t("noResources") }));
      return;
    }
    list.replaceChildren(...state.resources.map((r) => {
      const name = el("input", { value: r.name, name: "name" });
      const kind = el("select", { name: "kind" });
      fillKinds(kind, r.kind);
      const tz = el("input", { value: r.timezone, name: "timezone" });
      const cap = el("input", { type: "number", min: "1", value: String(r.capacity), name: "capacity" });
      return el("form", {
        class: "row", dataset: { id: r.id },
        onsubmit: (ev) => {
          ev.preventDefault();
          guarded(async () => {
            const body = { name: name.value, kind: kind.value, timezone: tz.value };
            const c = numberOrNull(cap.value);
            if (c !== null) body.capacity = c;
            await api("PATCH", `/v1/resources/${enc(r.id)}`, body);
            await loadCatalogue();
            renderAll();
            showMessage(t("saved"), false);
          });
        },
      },
      el("div", { class: "fields" },
        el("label", {}, el("span", { text: t("name") }), name),
        el("label", {}, el("span", { text: t("kind") }), kind),
        el("label", {}, el("span", { text: t("timezone") }), tz),
        el("label", {}, el("span", { text: t("capacity") }), cap)),
      el("div", { class: "actions" },
        el("button", { type: "submit", class: "primary", text: t("save") }),
        el("button", { type: "button", class: "edit-hours", text: t("editHours"), onclick: () => openHours(r) })));
    }));
  }

  let hoursOf = null;
  async function openHours(r) {
    await guarded(async () => {
      const hours = await api("GET", `/v1/resources/${enc(r.id)}/hours`);
      hoursOf = r;
      $("hours-name").textContent = r.name;
      $("hours-days").replaceChildren(...DAYS.map((d) => el("label", {},
        el("span", { text: t(d) }),
        el("input", { name: d, value: (hours[d] || []).map((w) => `${w[0]}-${w[1]}`).join(", ") }))));
      $("hours-form").hidden = false;
      $("hours-form").scrollIntoView({ block: "nearest" });
      clearMessage();
    });
  }

  function setUpHours() {
    $("hours-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      guarded(async () => {
        const body = {};
        for (const d of DAYS) {
          const text = $("hours-days").querySelector(`input[name="${d}"]`).value.trim();
          body[d] = [];
          if (!text) continue;
          for (const part of text.split(",")) {
            const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(part);
            if (!m) {
              showError({ code: "invalid_argument", field: d, message: `${t(d)}: ${t("badWindow")}` });
              return;
            }
            body[d].push([m[1].padStart(5, "0"), m[2].padStart(5, "0")]);
          }
        }
        await api("PUT", `/v1/resources/${enc(hoursOf.id)}/hours`, body);
        showMessage(t("saved"), false);
      });
    });
    $("hours-close").addEventListener("click", () => { $("hours-form").hidden = true; });
  }

  function setUpNewResource() {
    const form = $("new-resource");
    form.elements.timezone.value = browserZone();
    fillKinds(form.elements.kind, "staff");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      guarded(async () => {
        const body = { name: form.elements.name.value, kind: form.elements.kind.value, timezone: form.elements.timezone.value };
        const c = numberOrNull(form.elements.capacity.value);
        if (c !== null) body.capacity = c;
        await api("POST", "/v1/resources", body);
        form.elements.name.value = "";
        await loadCatalogue();
        renderAll();
        showMessage(t("saved"), false);
      });
    });
  }

  // --- services ----------------------------------------------------------------
  const SERVICE_NUMBERS = [
    ["duration", "duration"], ["step", "step"], ["buffer_before", "bufferBefore"], ["buffer_after", "bufferAfter"],
    ["price", "price"],
  ];

  // The inputs of a service (an existing one, or a new one when `s` is null).
  function serviceInputs(s) {
    const inputs = { name: el("input", { name: "name", value: s ? s.name : "" }) };
    for (const [field] of SERVICE_NUMBERS) {
      inputs[field] = el("input", { type: "number", min: "0", name: field, value: s ? String(s[field]) : "" });
    }
    inputs.currency = el("input", { name: "currency", value: s ? s.currency : "", maxlength: "3" });
    const held = new Set(s ? s.resource_groups.flat() : []);
    inputs.resources = state.resources.map((r) => el("input", { type: "checkbox", value: r.id, checked: held.has(r.id) }));
    const labels = [
      el("label", {}, el("span", { text: t("name") }), inputs.name),
      ...SERVICE_NUMBERS.map(([field, key]) => el("label", {}, el("span", { text: t(key) }), inputs[field])),
      el("label", {}, el("span", { text: t("currency") }), inputs.currency),
      el("fieldset", { class: "checks" }, el("legend", { text: t("resources") }),
        state.resources.map((r, i) => el("label", {}, inputs.resources[i], r.name))),
    ];
    const body = () => {
      const out = { name: inputs.name.value };
      for (const [field] of SERVICE_NUMBERS) {
        const v = numberOrNull(inputs[field].value);
        if (v !== null) out[field] = v;
      }
      if (inputs.currency.value) out.currency = inputs.currency.value;
      // Unchanged boxes send nothing: a service booked on several resources
      // together (groups) keeps its groups.
      const chosen = inputs.resources.filter((c) => c.checked).map((c) => c.value);
      if (!s || chosen.length !== held.size || chosen.some((id) => !held.has(id))) out.resources = chosen;
      return out;
    };
    return { labels, body };
  }

  function renderServices() {
    const list = $("service-list");
    list.replaceChildren(...(state.services.length ? state.services.map((s) => {
      const inputs = serviceInputs(s);
      return el("form", {
        class: "row", dataset: { id: s.id },
        onsubmit: (ev) => {
          ev.preventDefault();
          guarded(async () => {
            await api("PATCH", `/v1/services/${enc(s.id)}`, inputs.body());
            await loadCatalogue();
            renderAll();
            showMessage(t("saved"), false);
          });
        },
      },
      el("div", { class: "fields" }, inputs.labels),
      el("div", { class: "actions" }, el("button", { type: "submit", class: "primary", text: t("save") })));
    }) : [el("p", { class: "hint", text: t("noServices") })]));
    const form = $("new-service");
    const fresh = serviceInputs(null);
    form.querySelector(".service-fields").replaceChildren(...fresh.labels);
    form.onsubmit = (ev) => {
      ev.preventDefault();
      guarded(async () => {
        await api("POST", "/v1/services", fresh.body());
        await loadCatalogue();
        renderAll();
        showMessage(t("saved"), false);
      });
    };
  }

  // --- wiring ------------------------------------------------------------------
  function start() {
    const saved = localStorage.getItem(LANG_STORE);
    setLanguage(saved || ((navigator.language || "").toLowerCase().startsWith("it") ? "it" : "en"));
    $("lang").addEventListener("change", (ev) => setLanguage(ev.target.value));
    $("sign-in-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      signIn($("key").value.trim());
    });
    $("sign-out").addEventListener("click", () => signOut(true));
    for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
    $("prev").addEventListener("click", () => {
      state.anchor = addDays(state.anchor, state.view === "day" ? -1 : -7);
      refreshBookings();
    });
    $("next").addEventListener("click", () => {
      state.anchor = addDays(state.anchor, state.view === "day" ? 1 : 7);
      refreshBookings();
    });
    $("today").addEventListener("click", () => {
      const p = localParts(Date.now(), displayZone());
      state.anchor = { y: p.y, m: p.m, d: p.d };
      refreshBookings();
    });
    $("view").addEventListener("change", (ev) => {
      state.view = ev.target.value;
      refreshBookings();
    });
    $("cal-resource").addEventListener("change", (ev) => {
      state.resource = ev.target.value;
      refreshBookings();
    });
    $("new-booking-open").addEventListener("click", openNewBooking);
    setUpNewBooking();
    setUpHours();
    setUpNewResource();
    const key = sessionStorage.getItem(KEY_STORE);
    if (key) signIn(key);
  }

  start();
})();
