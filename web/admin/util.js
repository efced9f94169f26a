// What the admin page's views (admin.js) build on: making DOM nodes from
// text, calling the JSON API, and the wall-clock arithmetic of time zones.
// Exposed as window.SlotwiseUtil; holds no data but the page's language
// (sent as Accept-Language) and reads the key from sessionStorage.
"use strict";

(() => {
  const KEY_STORE = "slotwise.adminKey";
  const session = { lang: "en" };

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
      "Accept-Language": session.lang,
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

  window.SlotwiseUtil = {
    KEY_STORE, session, el, ApiError, api, qs, enc,
    localParts, zonedMidnight, addDays, weekday, sameDay, pad, isoDay, parseDay, browserZone,
  };
})();
