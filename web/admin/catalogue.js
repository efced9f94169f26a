// The catalogue editors of the admin page: resources, their weekly hours,
// and services. admin.js makes them with what they share with it (the
// page's state, texts, messages, and how to reload the catalogue).
"use strict";

window.SlotwiseCatalogue = (app) => {
  const { state, t, guarded, loadCatalogue, renderAll, showMessage, showError, clearMessage } = app;
  const { el, api, enc, browserZone } = window.SlotwiseUtil;
  const $ = (id) => document.getElementById(id);
  const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const KINDS = ["staff", "room", "equipment", "table"];

  function fillKinds(select, value) {
    select.replaceChildren(...KINDS.map((k) => el("option", { value: k, text: t(`kind_${k}`) })));
    select.value = value;
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
    // Bookings of such a service wait, `requested`, for staff to confirm or
    // reject them, until the request lapses after `request_expiry` minutes.
    inputs.requires_confirmation = el("input", {
      type: "checkbox", name: "requires_confirmation", checked: !!(s && s.requires_confirmation),
    });
    inputs.request_expiry = el("input", {
      type: "number", min: "1", name: "request_expiry", value: s ? String(s.request_expiry) : "",
    });
    const held = new Set(s ? s.resource_groups.flat() : []);
    inputs.resources = state.resources.map((r) => el("input", { type: "checkbox", value: r.id, checked: held.has(r.id) }));
    const labels = [
      el("label", {}, el("span", { text: t("name") }), inputs.name),
      ...SERVICE_NUMBERS.map(([field, key]) => el("label", {}, el("span", { text: t(key) }), inputs[field])),
      el("label", {}, el("span", { text: t("currency") }), inputs.currency),
      el("label", { class: "inline" }, inputs.requires_confirmation, t("requiresConfirmation")),
      el("label", {}, el("span", { text: t("requestExpiry") }), inputs.request_expiry),
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
      out.requires_confirmation = inputs.requires_confirmation.checked;
      const expiry = numberOrNull(inputs.request_expiry.value);
      if (expiry !== null) out.request_expiry = expiry;
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

  return { fillKinds, renderResources, renderServices, setUpHours, setUpNewResource };
};
