// ReturnSync head-office dashboard. Every figure comes from the hub's API (Protocol/openapi.yaml)
// with the head-office token; nothing here is computed that the API does not answer.
// Every word shown comes from the page's catalog (zh-CN or en), read from the page itself; codes
// and ids are shown as such (in <code>), for quoting to support.
const TOKEN_KEY = "returnsync.hub.token";
const LANG = document.documentElement.lang;
const WORDS = JSON.parse(document.getElementById("words").textContent);
let timer = null;

// The text of `key` with {name} filled from `values`; the key itself if the catalog lacks it.
function t(key, values) {
  let text = WORDS[key] === undefined ? key : WORDS[key];
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
  return text;
}
// A word for a code of the API's vocabularies (status, reason, location, …); the code if unknown.
function word(group, code) { return WORDS[group + "." + code] === undefined ? code : WORDS[group + "." + code]; }
// A code or id shown as such.
const code = (text) => el("code", {}, text);
// Words, then the code they stand for (for support).
const worded = (group, value) => el("span", {}, word(group, value) + " ", code(value));

function token() { return sessionStorage.getItem(TOKEN_KEY); }
// A person signs in with a password: the hub keeps the session in an HttpOnly cookie, and every
// change sends back the CSRF token the sign-in gave. A machine's token is sent as it is.
const CSRF_KEY = "returnsync.hub.csrf";
let me = null;
function headers(extra) {
  const h = { Accept: "application/json", "Accept-Language": LANG, ...(extra || {}) };
  if (token()) h.Authorization = "Bearer " + token();
  else if (sessionStorage.getItem(CSRF_KEY)) h["X-CSRF-Token"] = sessionStorage.getItem(CSRF_KEY);
  return h;
}
function may(permission) { return !!me && me.permissions.includes(permission); }

async function api(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await problemError(response);
  return response;
}
async function json(path) { return (await api(path)).json(); }

// Numbers, percentages and months in the page's language.
const numbers = new Intl.NumberFormat(LANG);
const percents = new Intl.NumberFormat(LANG, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const months = new Intl.DateTimeFormat(LANG, { year: "numeric", month: "short", timeZone: "UTC" });
const relative = new Intl.RelativeTimeFormat(LANG, { numeric: "auto" });
const number = (n) => n == null ? "–" : numbers.format(n);
const percent = (basisPoints) => basisPoints == null ? "–" : percents.format(basisPoints / 10000);
// "2026-03" as the month it names; any other key as it is.
function month(key) {
  const match = /^(\d{4})-(\d{2})$/.exec(key || "");
  return match ? months.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))) : key;
}
function ago(millis) {
  if (!millis) return t("dashboard.ago.never");
  const minutes = Math.round((Date.now() - millis) / 60000);
  if (minutes < 1) return t("dashboard.ago.justNow");
  if (minutes < 120) return relative.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  return hours < 48 ? relative.format(-hours, "hour") : relative.format(-Math.round(hours / 24), "day");
}
const list = (items) => items.join(t("dashboard.list.separator"));
// A record (`sale:S-1`) as its kind in words and its id.
function record(key) {
  const colon = key.indexOf(":");
  return colon < 0 ? code(key) : el("span", {}, word("dashboard.record", key.slice(0, colon)) + " ", code(key.slice(colon + 1)));
}

// Fills section `id` with a table of `rows` (or says there are none). A column is
// `{ key, value, num, tone, data }`: its title is `dashboard.column.<key>`; `data` marks what
// people typed (names, notes), shown as typed.
function table(id, columns, rows, limit) {
  const section = $(id);
  section.querySelector(".count").textContent = "(" + number(rows.length) + ")";
  const body = section.querySelector(".body");
  body.replaceChildren();
  if (rows.length === 0) { body.append(el("p", { class: "empty" }, t("dashboard.none"))); return; }
  const head = el("tr", {}, ...columns.map((c) => el("th", c.num ? { class: "num" } : {}, c.key ? t("dashboard.column." + c.key) : "")));
  const shown = limit ? rows.slice(0, limit) : rows;
  const lines = shown.map((row) => el("tr", {}, ...columns.map((c) => {
    const value = c.value(row);
    const cell = el("td", { class: [c.num ? "num" : "", c.data ? "data" : "", c.tone ? c.tone(row) : ""].join(" ").trim() });
    cell.append(value instanceof Node ? value : document.createTextNode(value == null ? "" : typeof value === "number" ? number(value) : String(value)));
    return cell;
  })));
  body.append(el("table", {}, el("thead", {}, head), el("tbody", {}, ...lines)));
  if (shown.length < rows.length) body.append(el("p", { class: "empty" }, t("dashboard.firstOf", { shown: number(shown.length), total: number(rows.length) })));
}

async function loadSync() {
  // Head office and admin credentials read the API; only stores and channels sync, so only
  // their lag means anything.
  const syncing = (n) => n.role === "storeNode" || n.role === "onlineChannel";
  const nodes = (await json("/api/v1/sync-status")).filter(syncing);
  // A channel that works through the hub's API and never pulls has no feed to be behind on.
  const pulls = (n) => n.lastPullAt != null || n.role === "storeNode";
  const lag = (n) => pulls(n) ? n.lag : 0;
  nodes.sort((a, b) => (lag(b) - lag(a)) || String(a.node).localeCompare(b.node));
  table("sync", [
    { key: "node", value: (n) => code(n.node) },
    { key: "store", value: (n) => n.store ? code(n.store) : "" },
    { key: "role", value: (n) => word("dashboard.role", n.role) },
    { key: "lastPush", value: (n) => ago(n.lastPushAt) },
    { key: "lastPull", value: (n) => ago(n.lastPullAt) },
    { key: "behind", num: true, value: (n) => pulls(n) ? n.lag : t("dashboard.sync.doesNotPull"), tone: (n) => !pulls(n) ? "" : n.lag > 1000 ? "bad" : n.lag > 0 ? "warn" : "ok" },
    { value: (n) => n.revoked ? t("dashboard.sync.revoked") : "", tone: () => "bad" },
  ], nodes);
}

async function loadExceptions() {
  const [open, resolutions] = await Promise.all([json("/api/v1/exceptions"), json("/api/v1/exceptions/resolutions")]);
  const resolved = new Map(resolutions.map((r) => [r.id, r]));
  const rows = open.map((e) => ({ ...e, resolution: resolved.get(e.id) }));
  rows.sort((a, b) => (!!a.resolution - !!b.resolution) || (a.severity === b.severity ? 0 : a.severity === "review" ? -1 : 1));
  table("exceptions", [
    // The hub's message names the detail (which line, how many) in English: offered on hover.
    { key: "what", value: (e) => el("span", { title: e.message }, word("code", e.code)), tone: (e) => e.resolution ? "" : e.severity === "review" ? "bad" : "" },
    { key: "code", value: (e) => code(e.code) },
    { key: "record", value: (e) => record(e.record) },
    { key: "events", value: (e) => code(e.dots.map((d) => d.node + ":" + d.seq).join(", ")) },
    { key: "resolution", value: (e) => e.resolution ? resolution(e.resolution) : may("exceptions") ? resolveButton(e) : "" },
  ], rows);
}

function resolution(r) {
  return el("span", {}, el("span", { class: "data" }, r.note), " ", t("dashboard.exceptions.resolvedBy", { when: when(r.resolvedAt) }), " ", code(r.resolvedBy));
}

// "Resolve…" opens a dialog on the page: what was done, written down, recorded as head office's
// resolution of the exception (the exception itself stays, as a fact).
function resolveButton(exception) {
  const button = el("button", { type: "button", "data-action": "resolve", "data-code": exception.code }, t("dashboard.exceptions.resolve"));
  button.addEventListener("click", () => {
    const colon = exception.record.indexOf(":");
    const dialog = $("resolve-dialog");
    $("resolve-what").textContent = t("dashboard.exceptions.prompt", { what: word("code", exception.code), record: exception.record.slice(colon + 1) });
    $("resolve-note").value = "";
    $("resolve-save").onclick = async (event) => {
      event.preventDefault();
      const note = $("resolve-note").value.trim();
      if (!note) { $("resolve-note").focus(); return; }
      try {
        const response = await fetch("/api/v1/exceptions/resolve", {
          method: "POST", headers: headers({ "Content-Type": "application/json" }),
          body: JSON.stringify({ id: exception.id, note }) });
        if (!response.ok) throw await problemError(response);
        dialog.close();
        await loadExceptions();
      } catch (error) { dialog.close(); showProblem(error); }
    };
    dialog.showModal();
    $("resolve-note").focus();
  });
  return button;
}

// A bar chart in SVG, one bar per item ({label, value, text}), the last twelve at most.
function bars(figureId, items) {
  const figure = $(figureId);
  for (const old of figure.querySelectorAll("svg, p")) old.remove();
  const shown = items.slice(-12);
  if (shown.length === 0) { figure.append(el("p", { class: "empty" }, t("dashboard.trends.noSales"))); return; }
  const ns = "http://www.w3.org/2000/svg";
  const svg = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const width = 480, height = 160, top = 18, bottom = 20, gap = 6;
  const slot = Math.min(64, width / shown.length), max = Math.max(1, ...shown.map((i) => i.value));
  const chart = svg("svg", { class: "bars", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": figure.querySelector("figcaption").textContent });
  shown.forEach((item, i) => {
    const h = Math.round((height - top - bottom) * item.value / max);
    const x = i * slot + gap / 2, y = height - bottom - h;
    chart.append(svg("rect", { x, y, width: Math.max(1, slot - gap), height: h }, undefined));
    chart.append(svg("text", { x: x + (slot - gap) / 2, y: y - 4, "text-anchor": "middle" }, item.text));
    chart.append(svg("text", { x: x + (slot - gap) / 2, y: height - 6, "text-anchor": "middle" }, item.label));
  });
  figure.append(chart);
}

async function loadAnalytics() {
  const report = await json("/api/v1/analytics");
  const periods = (report.ratesByPeriod || []).slice().sort((a, b) => a.key.localeCompare(b.key));
  bars("trend-rate", periods.map((p) => ({ label: month(p.key), value: p.rateBasisPoints || 0, text: percent(p.rateBasisPoints) })));
  // One currency per chart: the chain's main one (a chain in several shows the first; the rest is in the API).
  const currency = (report.costByPeriod || [])[0] && report.costByPeriod[0].currency;
  const costs = (report.costByPeriod || []).filter((c) => c.currency === currency).sort((a, b) => a.key.localeCompare(b.key));
  bars("trend-cost", costs.map((c) => ({ label: month(c.key), value: c.total.minor, text: money(c.total) })));
  table("rates", [
    { key: "store", value: (r) => code(r.store) },
    { key: "sold", num: true, value: (r) => r.soldUnits },
    { key: "returned", num: true, value: (r) => r.returnedUnits },
    { key: "rate", num: true, value: (r) => percent(r.rateBasisPoints) },
    { key: "takenInForOthers", num: true, value: (r) => r.takenInForOtherStores },
  ], report.ratesByStore || []);
  table("top", [
    { key: "sku", value: (r) => code(r.sku) },
    { key: "item", data: true, value: (r) => r.name },
    { key: "returned", num: true, value: (r) => r.returnedUnits },
    { key: "sold", num: true, value: (r) => r.soldUnits },
    { key: "rate", num: true, value: (r) => percent(r.rateBasisPoints) },
  ], report.topReturned || [], 20);
  table("signals", [
    { key: "customer", value: (c) => code(c.customer) },
    // Each signal in words; its code is kept for support on hover.
    { key: "signals", value: (c) => el("span", {}, ...c.signals.flatMap((s, i) => [i ? t("dashboard.list.separator") : "", el("span", { title: s }, word("code", s))])), tone: () => "warn" },
    { key: "returns90", num: true, value: (c) => c.returnsLast90Days },
    { key: "returnRatio", num: true, value: (c) => percent(c.returnRatioBasisPoints) },
  ], (report.customers || []).filter((c) => c.signals && c.signals.length > 0));
  table("lowstock", [
    { key: "store", value: (r) => code(r.store) },
    { key: "sku", value: (r) => code(r.sku) },
    { key: "sellable", num: true, value: (r) => r.sellable, tone: () => "warn" },
    { key: "reorderPoint", num: true, value: (r) => r.minimum },
    { key: "short", num: true, value: (r) => r.shortfall },
  ], report.lowStock || []);
}

// The sale a return was made against (and the store that sold it, when another): or "no receipt".
function sale(request) {
  if (!request.sale) return t("dashboard.returns.noReceipt");
  const other = request.saleStore && request.saleStore !== request.store;
  return other ? el("span", {}, code(request.sale), " (", code(request.saleStore), ")") : code(request.sale);
}
const distinct = (items) => [...new Set(items)];

async function loadReturns() {
  const query = new URLSearchParams({ limit: "100" });
  if ($("returns-store").value.trim()) query.set("store", $("returns-store").value.trim());
  if ($("returns-status").value) query.set("status", $("returns-status").value);
  const response = await api("/api/v1/returns?" + query);
  const returns = await response.json();
  table("returns", [
    { key: "return", value: (r) => timelineButton(r) },
    { key: "store", value: (r) => code(r.request.store) },
    { key: "sale", value: (r) => sale(r.request) },
    { key: "customer", value: (r) => r.request.customer ? code(r.request.customer) : "" },
    { key: "requested", value: (r) => when(r.request.requestedAt && r.request.requestedAt.millis) },
    { key: "status", value: (r) => word("status", r.status) },
    { key: "reasons", value: (r) => list(distinct(r.request.lines.map((l) => word("reason", l.reason)))) },
    { key: "units", num: true, value: (r) => r.request.lines.reduce((n, l) => n + l.quantity, 0) },
    { key: "value", num: true, value: (r) => money({ currency: r.request.currency, minor: r.request.lines.reduce((n, l) => n + l.quantity * l.unitRefund.minor, 0) }) },
    { key: "refundedTo", value: (r) => list(distinct((r.refunds || []).flatMap((f) => f.allocations.map((a) => word("tender", a.tender))))) },
  ], returns);
  // The hub pages the list: say how many match when this is not all of them.
  const total = Number(response.headers.get("X-Total-Count"));
  if (total > returns.length) $("returns").querySelector(".count").textContent = "(" + t("dashboard.firstOf", { shown: number(returns.length), total: number(total) }) + ")";
}

// A return's id opens its timeline: every step, when, who and at which node, as the hub holds it.
function timelineButton(r) {
  const button = el("button", { type: "button", class: "link", "data-return": r.request.id }, code(r.request.id));
  button.addEventListener("click", () => showTimeline(r));
  return button;
}
function showTimeline(r) {
  const steps = (r.steps || []).slice().sort((a, b) => a.hlc.wall - b.hlc.wall);
  $("timeline").replaceChildren(
    el("h3", {}, t("dashboard.timeline.title", { id: r.request.id })),
    el("ol", {}, ...steps.map((s) => el("li", { "data-status": s.status }, when(s.hlc.wall) + " — " + word("status", s.status) + " · ",
      t("dashboard.timeline.by") + " ", code(s.staff), " · " + t("dashboard.timeline.at") + " ", code(s.dot.node)))),
    ...(r.request.policyNotes || []).length ? [el("p", { class: "data" }, r.request.policyNotes.join(" · "))] : []);
  $("timeline").hidden = false;
}

async function loadStock() {
  const query = new URLSearchParams();
  if ($("stock-sku").value.trim()) query.set("sku", $("stock-sku").value.trim());
  if ($("stock-store").value.trim()) query.set("store", $("stock-store").value.trim());
  const rows = await json("/api/v1/stock" + (query.toString() ? "?" + query : ""));
  table("stock", [
    { key: "sku", value: (r) => code(r.sku) },
    { key: "store", value: (r) => code(r.store) },
    { key: "location", value: (r) => word("location", r.location) },
    { key: "quantity", num: true, value: (r) => r.quantity, tone: (r) => r.quantity < 0 ? "bad" : "" },
  ], rows, 500);
}

// Stores and channels as head office describes them; merchandisers and operators define them
// here and import the catalog from a spreadsheet (CSV UTF-8).
async function loadStores() {
  const stores = await json("/api/v1/stores");
  table("stores", [
    { key: "store", value: (s) => code(s.id) },
    { key: "storeName", data: true, value: (s) => s.name },
    { key: "storeKind", value: (s) => word("dashboard.storeKind", s.kind) },
    { key: "currency", value: (s) => code(s.currency) },
    { key: "address", data: true, value: (s) => s.address || "" },
    { key: "taxID", value: (s) => s.taxID ? code(s.taxID) : "" },
    { key: "timeZone", value: (s) => s.timeZone ? code(s.timeZone) : "" },
  ], stores);
  $("store-form").hidden = !may("masterData");
  $("catalog-form").hidden = !may("masterData");
}

async function saveStore(event) {
  event.preventDefault();
  const body = { name: $("store-name").value.trim(), kind: $("store-kind").value, currency: $("store-currency").value.trim() };
  for (const [field, id] of [["address", "store-address"], ["taxID", "store-tax"], ["timeZone", "store-zone"]]) {
    if ($(id).value.trim()) body[field] = $(id).value.trim();
  }
  try {
    const response = await fetch("/api/v1/stores/" + encodeURIComponent($("store-id").value.trim()), {
      method: "PUT", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) });
    if (!response.ok) throw await problemError(response);
    await loadStores();
  } catch (error) { showProblem(error); }
}

// The chosen file goes to the hub as it is; the hub checks every row (`check`) or imports all.
async function importCatalog(check) {
  const file = $("catalog-file").files[0];
  if (!file) { showProblem(new Error(t("dashboard.catalog.chooseFile"))); return; }
  try {
    const response = await fetch("/api/v1/catalog/import" + (check ? "?check=true" : ""), {
      method: "POST", headers: headers({ "Content-Type": "text/csv" }), body: await file.arrayBuffer() });
    if (!response.ok) throw await problemError(response);
    const report = await response.json();
    const result = $("catalog-result");
    result.replaceChildren(el("p", { "data-imported": String(report.imported) }, check
      ? t("dashboard.catalog.checked", { products: number(report.products), problems: number(report.problems.length) })
      : t("dashboard.catalog.imported", { products: number(report.imported) })));
    if (report.problems.length) {
      result.append(el("table", {}, el("tbody", {}, ...report.problems.map((p) => el("tr", {},
        el("td", { class: "num" }, t("dashboard.catalog.row", { row: number(p.row) })), el("td", {}, LANG === "en" ? p.message : word("code", p.code)), el("td", {}, code(p.code)))))));
    }
  } catch (error) { showProblem(error); }
}

// The chain's return policy in layers (chain → channel → store → category), each rule versioned
// and in force from its date; merchandisers and operators publish the next version here, and
// anyone who reads reports asks what a return would get.
const POLICY_SETTINGS = ["noReasonWindowDays", "faultWindowDays", "returnable", "restockingFee", "receiptRequired",
  "approvalThreshold", "receiptlessMaxValue", "receiptlessMaxPer90Days", "acceptedConditions", "nonReturnableCategories"];
let policyVersions = [];

// A scope (`category:食品`) as its layer in words and its name.
function scope(text) {
  const colon = text.indexOf(":");
  const layer = colon < 0 ? text : text.slice(0, colon);
  const name = colon < 0 ? "" : text.slice(colon + 1);
  const shown = layer === "channel" ? word("dashboard.storeKind", name) : name;
  return el("span", {}, t("dashboard.policy.layer." + layer) + (shown ? " " : ""), shown ? (layer === "channel" ? shown : code(shown)) : "");
}
function money(m) {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: m.currency }).resolvedOptions().maximumFractionDigits;
  return new Intl.NumberFormat(LANG, { style: "currency", currency: m.currency }).format(m.minor / 10 ** digits);
}
// What a rule changes, in words.
function settingsText(s) {
  const parts = [];
  for (const key of POLICY_SETTINGS) {
    if (s[key] === undefined) continue;
    let value = s[key];
    if (key === "restockingFee") value = s.restockingFee.percent !== undefined ? percent(s.restockingFee.percent) : s.restockingFee.fixed ? money(s.restockingFee.fixed) : t("dashboard.policy.none");
    else if (typeof value === "boolean") value = t(value ? "dashboard.policy.yes" : "dashboard.policy.no");
    else if (Array.isArray(value)) value = list(value.map((v) => key === "acceptedConditions" ? word("condition", v) : v));
    else if (typeof value === "object") value = money(value);
    parts.push(t("dashboard.policy.setting." + key, { value }));
  }
  return list(parts);
}

async function loadPolicies() {
  const view = await json("/api/v1/policies");
  policyVersions = view.versions.map((v) => v.rule);
  table("policies", [
    { key: "scope", value: (v) => scope(v.rule.scope) },
    { key: "version", num: true, value: (v) => v.rule.version },
    { key: "from", value: (v) => v.rule.effectiveFrom.slice(0, 10) },
    { key: "settings", value: (v) => settingsText(v.rule.settings) },
    { key: "note", data: true, value: (v) => v.rule.note || "" },
    { key: "inForce", value: (v) => v.inForce ? t("dashboard.policy.inForce") : "", tone: (v) => v.inForce ? "good" : "" },
  ], view.versions);
  $("policy-form").hidden = !may("masterData");
}

async function publishPolicy(event) {
  event.preventDefault();
  const layer = $("policy-layer").value;
  const scopeText = layer === "chain" ? "chain" : layer + ":" + $("policy-name").value.trim();
  const settings = {};
  if ($("policy-no-reason").value) settings.noReasonWindowDays = Number($("policy-no-reason").value);
  if ($("policy-fault").value) settings.faultWindowDays = Number($("policy-fault").value);
  if ($("policy-fee").value) settings.restockingFee = { percent: Math.round(Number($("policy-fee").value) * 100) };
  if ($("policy-returnable").value) settings.returnable = $("policy-returnable").value === "true";
  const body = { effectiveFrom: $("policy-from").value, settings };
  if ($("policy-note").value.trim()) body.note = $("policy-note").value.trim();
  // The next version of the scope: versions come one after another and never change.
  const version = 1 + Math.max(0, ...policyVersions.filter((r) => r.scope === scopeText).map((r) => r.version));
  try {
    const response = await fetch("/api/v1/policies/" + encodeURIComponent(scopeText) + "/versions/" + version, {
      method: "PUT", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(body) });
    if (!response.ok) throw await problemError(response);
    await loadPolicies();
  } catch (error) { showProblem(error); }
}

async function previewPolicy(event) {
  event.preventDefault();
  const submission = { sale: $("preview-sale").value.trim(), lines: [{
    saleLine: Number($("preview-line").value), quantity: Number($("preview-quantity").value),
    reason: $("preview-reason").value, condition: $("preview-condition").value }] };
  try {
    if ($("preview-date").value) submission.businessDate = { millis: Date.parse($("preview-date").value + "T12:00:00Z") };
    const response = await fetch("/api/v1/policies/preview", {
      method: "POST", headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify({ store: $("preview-store").value.trim(), return: submission }) });
    if (!response.ok) throw await problemError(response);
    const answer = await response.json();
    const verdict = answer.verdict;
    $("preview-result").replaceChildren(
      el("p", { class: verdict.decision === "deny" ? "bad" : verdict.decision === "allow" ? "good" : "", "data-decision": verdict.decision },
        word("decision", verdict.decision), verdict.restockingFee.minor ? t("dashboard.policy.fee", { amount: money(verdict.restockingFee) }) : ""),
      ...verdict.reasons.map((r) => el("p", {}, word("code", r.code) + " ", code(r.code))),
      el("p", { class: "muted" }, t("dashboard.policy.decidedBy") + " ",
        ...(answer.decidedBy.length ? answer.decidedBy.map((d) => el("span", {}, scope(d.split("@")[0]), " ", t("dashboard.policy.versionN", { version: d.split("@")[1] }), " ")) : [t("dashboard.policy.wholePolicy")])));
  } catch (error) { showProblem(error); }
}

function fillPreviewChoices() {
  for (const [id, group] of [["preview-reason", "reason"], ["preview-condition", "condition"]]) {
    const codes = Object.keys(WORDS).filter((k) => k.startsWith(group + ".")).map((k) => k.slice(group.length + 1));
    $(id).replaceChildren(...codes.map((c) => el("option", { value: c }, word(group, c))));
  }
  $("policy-from").value = new Date().toISOString().slice(0, 10);
}

async function loadClaims() {
  const claims = await json("/api/v1/escrow/claims");
  table("claims", [
    { key: "claim", value: (c) => code(c.claim) },
    { key: "sale", value: (c) => el("span", {}, code(c.sale), " (", code(c.holder), ")") },
    { key: "lines", value: (c) => list(c.lines.map((l) => t("dashboard.claims.line", { line: number(l.line), quantity: number(l.quantity) }))) },
    { key: "expires", value: (c) => when(c.expiresAt) },
  ], claims);
}

async function loadIncidents() {
  const incidents = await json("/api/v1/incidents");
  table("incidents", [
    { key: "node", value: (i) => code(i.node) },
    { key: "what", value: (i) => word("code", i.code), tone: () => "bad" },
    { key: "code", value: (i) => code(i.code) },
    { key: "times", num: true, value: (i) => i.occurrences },
    { key: "lastSeen", value: (i) => when(i.lastSeenAt) },
  ], incidents);
}

// A problem as head office reads it: what it means in the page's language (the hub words the
// title and the detail by the request's Accept-Language), this occurrence with its figures and
// names, and the code to quote to support.
function showProblem(error) {
  const box = $("problem");
  box.replaceChildren(el("p", {}, String(error.title || error.message || error)));
  if (error.detail && error.detail !== error.title) box.append(el("p", {}, error.detail));
  if (error.code) box.append(el("p", { class: "muted" }, t("dashboard.problem.code") + " ", code(error.code)));
  box.hidden = false;
}

async function refresh() {
  $("problem").hidden = true;
  const results = await Promise.allSettled([loadSync(), loadExceptions(), loadAnalytics(), loadReturns(), loadStock(), loadStores(), loadPolicies(), loadClaims(), loadIncidents()]);
  const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
  if (failed.some((e) => e.status === 401 || e.status === 403)) { signOut(); showProblem(failed[0]); return; }
  if (failed.length) showProblem(failed[0]);
  $("asof").textContent = t("dashboard.asOf", { time: new Date().toLocaleTimeString(LANG) });
  document.body.dataset.loaded = String(Date.now());
}

async function downloadJournal() {
  try {
    const blob = await (await api("/api/v1/journal.csv")).blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: "journal.csv" });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) { showProblem(error); }
}

async function signOut() {
  // The hub ends the sign-in before the page shows the form again.
  if (!token() && me) { try { await fetch("/api/v1/sign-out", { method: "POST", headers: headers() }); } catch (_) {} }
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(CSRF_KEY);
  me = null;
  if (timer) clearInterval(timer);
  timer = null;
  show(false);
}

async function signIn(event) {
  event.preventDefault();
  $("problem").hidden = true;
  try {
    const response = await fetch("/api/v1/sign-in", {
      method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": LANG },
      body: JSON.stringify({ user: $("user").value.trim(), password: $("password").value }),
    });
    $("password").value = "";
    if (!response.ok) throw await problemError(response);
    const answer = await response.json();
    sessionStorage.setItem(CSRF_KEY, answer.csrfToken);
    // The dashboard speaks the language head office set for them.
    if (answer.me.language && answer.me.language !== LANG) { location.search = "?lang=" + encodeURIComponent(answer.me.language); return; }
    await start();
  } catch (error) { showProblem(error); }
}

function show(signedIn) {
  $("signin").hidden = signedIn;
  $("board").hidden = !signedIn;
  for (const id of ["refresh", "autolabel", "journal", "signout", "me"]) $(id).hidden = !signedIn;
  if (signedIn && me) {
    $("journal").hidden = !may("books");
    const roles = me.roles.map((r) => word("hqRole", r)).join(t("dashboard.list.separator"));
    // A person by name; a machine's token by its node id, as a code.
    if (me.kind === "user") $("me").textContent = t("dashboard.signIn.who", { name: me.name, roles });
    else $("me").replaceChildren(code(me.id), " " + roles);
  }
}

async function start() {
  try { me = await json("/api/v1/me"); } catch (error) { signOut(); showProblem(error); return; }
  show(true);
  refresh();
  if (timer) clearInterval(timer);
  timer = setInterval(() => { if ($("auto").checked) refresh(); }, 30000);
}

document.addEventListener("DOMContentLoaded", () => {
  // A token in the address (#token=…) is taken once and removed from the address bar.
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("token")) {
    sessionStorage.setItem(TOKEN_KEY, fragment.get("token"));
    history.replaceState(null, "", location.pathname + location.search);
  }
  $("go").addEventListener("click", () => {
    const value = $("token").value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    $("token").value = "";
    start();
  });
  $("token").addEventListener("keydown", (event) => { if (event.key === "Enter") $("go").click(); });
  $("password-form").addEventListener("submit", signIn);
  $("store-form").addEventListener("submit", saveStore);
  $("catalog-check").addEventListener("click", () => importCatalog(true));
  $("catalog-import").addEventListener("click", () => importCatalog(false));
  $("policy-form").addEventListener("submit", publishPolicy);
  $("preview-form").addEventListener("submit", previewPolicy);
  fillPreviewChoices();
  $("refresh").addEventListener("click", refresh);
  $("journal").addEventListener("click", downloadJournal);
  $("signout").addEventListener("click", signOut);
  // The language switch reloads the page in the other language (the hub remembers the choice);
  // the token stays with the browser tab.
  $("language").addEventListener("change", () => { location.search = "?lang=" + encodeURIComponent($("language").value); });
  for (const id of ["returns-store", "returns-status"]) $(id).addEventListener("change", () => loadReturns().catch(showProblem));
  for (const id of ["stock-sku", "stock-store"]) $(id).addEventListener("change", () => loadStock().catch(showProblem));
  // Signed in already (a token for this tab, or the session cookie of a sign-in): straight in.
  if (token() || sessionStorage.getItem(CSRF_KEY)) start(); else show(false);
});
