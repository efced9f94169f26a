// The admin page: signs in with an admin key, then drives the JSON API
// (/v1/…) with it. Data from the server only ever reaches the DOM as text
// (textContent, attribute values set through the DOM): never as markup.
// The key lives in sessionStorage (this tab only) and travels only in the
// Authorization header, never in a URL.
"use strict";

(() => {
  const KEY_STORE = window.SlotwiseUtil.KEY_STORE;
  const LANG_STORE = "slotwise.lang";
  const STATUSES = ["confirmed", "pending", "requested", "offered", "rejected", "cancelled", "expired"];
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

  const {
    el, api, qs, enc, localParts, zonedMidnight, addDays, weekday, sameDay, pad, isoDay, parseDay, browserZone,
  } = window.SlotwiseUtil;

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

  // --- the catalogue as loaded, and wall clocks ----------------------------------
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
    window.SlotwiseUtil.session.lang = state.lang;
    localStorage.setItem(LANG_STORE, state.lang);
    clearMessage();  // it is in the other language
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
    catalogue.renderResources();
    catalogue.renderServices();
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
    for (const kind of document.querySelectorAll(".kind-select")) catalogue.fillKinds(kind, kind.value || "staff");
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

  // What can be done to a booking, by its status. An action that `opens` a
  // form of its own refreshes the calendar when that form is sent.
  const ACTIONS = [
    {
      id: "confirm", label: "confirmBooking", primary: true,
      when: (b) => b.status === "requested",
      run: async (b) => {
        await api("POST", `/v1/bookings/${enc(b.id)}/confirm`);
        showMessage(t("confirmedMsg"), false);
      },
    },
    {
      id: "reject", label: "rejectBooking", danger: true, opens: true,
      when: (b) => b.status === "requested",
      run: (b) => openReject(b),
    },
    {
      id: "cancel", label: "cancelBooking", danger: true,
      when: (b) => b.status === "confirmed" || b.status === "pending" || b.status === "requested",
      run: async (b) => {
        await api("POST", `/v1/bookings/${enc(b.id)}/cancel`);
        showMessage(t("cancelled"), false);
      },
    },
    {
      id: "reschedule", label: "reschedule", opens: true,
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
        row("customer", b.customer.name), contact ? row("contact", contact) : [],
        row("service", service ? service.name : b.service),
        row("resource", resource ? resource.name : b.resource),
        row("when", whenText(b)),
        row("status", t(`status_${b.status}`)),
        row("payment", t(`pay_${b.payment_status}`))),
      el("div", { class: "actions" },
        ACTIONS.filter((a) => a.when(b)).map((a) => el("button", {
          type: "button", class: a.danger ? "danger" : (a.primary ? "primary" : ""), dataset: { action: a.id },
          text: t(a.label),
          onclick: () => guarded(async () => {
            await a.run(b);
            if (!a.opens) await refreshBookings();
          }),
        })),
        el("button", { type: "button", text: t("close"), onclick: () => { state.selected = null; renderDetail(); } })),
      el("div", { id: "reschedule-box" }));
    panel.hidden = false;
  }

  // Turning a request down asks for a reason (kept in the engine's event
  // feed); none is fine. A form in the panel: a dialog would block the page.
  function openReject(b) {
    const reason = el("input", { id: "rj-reason", name: "reason", maxlength: "500" });
    $("reschedule-box").replaceChildren(el("form", {
      class: "panel", id: "reject-form",
      onsubmit: (ev) => {
        ev.preventDefault();
        guarded(async () => {
          const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
          await api("POST", `/v1/bookings/${enc(b.id)}/reject`, body);
          showMessage(t("rejectedMsg"), false);
          await refreshBookings();
        });
      },
    },
    el("h3", { text: t("rejectBooking") }),
    el("div", { class: "fields" }, el("label", {}, el("span", { text: t("rejectReason") }), reason)),
    el("div", { class: "actions" }, el("button", { type: "submit", class: "danger", id: "rj-send", text: t("rejectSend") }))));
    reason.focus();
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

  // --- wiring ------------------------------------------------------------------
  const catalogue = window.SlotwiseCatalogue({
    state, t, guarded, loadCatalogue, renderAll, showMessage, showError, clearMessage,
  });

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
    catalogue.setUpHours();
    catalogue.setUpNewResource();
    const key = sessionStorage.getItem(KEY_STORE);
    if (key) signIn(key);
  }

  start();
})();
