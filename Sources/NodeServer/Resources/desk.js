// ReturnSync return desk: every figure and check comes from this node's API (/api/v1), which
// works with the link to head office down. Writes carry the staff member's name (X-Staff).
// Every word shown comes from the page's catalog (zh-CN or en), read from the page itself.
const STAFF_KEY = "returnsync.desk.staff";
// The desk's key to the node's API (`returnsync node token add`), given once by opening
// /desk#key=<key> or typing it; kept in this browser.
const DESK_KEY = "returnsync.desk.key";
const REASONS = ["changedMind", "defective", "damagedInTransit", "wrongItem", "notAsDescribed", "sizeOrFit", "other"];
const CONDITIONS = ["unopened", "openedComplete", "incomplete", "used", "damaged"];
const GRADES = ["a", "b", "c", "d", "vendorDefect"];
const TENDERS = ["card", "cash", "bankTransfer", "storeCredit"];
const LANG = document.documentElement.lang;
const WORDS = JSON.parse(document.getElementById("words").textContent);
let currentSale = null;
let currentReturn = null;
// The node's catalog by SKU, for product names on every line.
let products = new Map();

// The text of `key` with {name} filled from `values`; the key itself if the catalog lacks it.
function t(key, values) {
  let text = WORDS[key] === undefined ? key : WORDS[key];
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
  return text;
}
// A word for a code of the API's vocabularies (reason, condition, status, …); the code if unknown.
function word(group, code) { return WORDS[group + "." + code] === undefined ? code : WORDS[group + "." + code]; }
function staff() { return $("staff").value.trim(); }
// A staff member signed in at this desk (when the store signs staff in): the session's token,
// kept for this browser tab only.
const SESSION_KEY = "returnsync.desk.session";
function session() { try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"); } catch (_) { return null; } }
let signInRequired = false;
function deskKey() { return localStorage.getItem(DESK_KEY) || ""; }
// Staff ids to names (head office's staff, when the store signs staff in).
let staffNames = new Map();
function staffName(id) { return staffNames.get(id) || id; }
// A product as people know it: its name and model, then the SKU the system uses.
function skuLabel(sku) {
  const p = products.get(sku);
  return p ? p.name + (p.model ? " " + p.model : "") + " (" + sku + ")" : sku;
}
function lotLabel(lot) { return lot ? " · " + t("desk.lot", { lot }) : ""; }
function negative(m) { return { currency: m.currency, minor: -m.minor }; }

// `writes`: the request records something, so it must say who (checking the policy does not).
// `authorisedBy`: a manager's staff id and PIN, for a step that needs their authority.
async function call(method, path, body, writes = method !== "GET", authorisedBy = null) {
  const headers = { Accept: "application/json", "Accept-Language": LANG };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const signedIn = session();
  if (writes && signInRequired && !signedIn) throw new Error(t("desk.error.signInFirst"));
  if (writes && !signInRequired && !staff()) throw new Error(t("desk.error.needStaff"));
  if (signedIn) headers["X-Staff-Session"] = signedIn.token;
  // Percent-encoded UTF-8: a browser sends nothing but ISO-8859-1 in a header (王丽).
  else if (staff()) headers["X-Staff"] = encodeURIComponent(staff());
  if (authorisedBy) {
    headers["X-Authorised-By"] = encodeURIComponent(authorisedBy.staff);
    headers["X-Authoriser-PIN"] = authorisedBy.pin;
  }
  if (deskKey()) headers["Authorization"] = "Bearer " + deskKey();
  // Every change carries an Idempotency-Key: sent again after a dropped connection, it is
  // done once and answered the same.
  if (method !== "GET") headers["Idempotency-Key"] = "desk-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, init);
  } catch (_) {
    await new Promise((done) => setTimeout(done, 1000));
    response = await fetch(path, init);
  }
  if (response.status === 401) {
    $("key-field").hidden = false;
    throw new Error(t("desk.error.needKey"));
  }
  if (!response.ok) {
    const error = await problemError(response);
    // The sign-in ended (a shift is over, or it was signed out elsewhere): sign in again.
    if (error.code === "auth.sessionExpired") { sessionStorage.removeItem(SESSION_KEY); showSignIn(); }
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

// ── signing in ──
function roleNames(roles) { return roles.map((r) => word("role", r)).join(t("desk.list.separator")); }
function showSignIn() {
  const signedIn = session();
  $("staff-field").hidden = signInRequired;
  $("sign-in").hidden = !signInRequired || !!signedIn;
  $("signed-in").hidden = !signedIn;
  $("sign-out").hidden = !signedIn;
  if (signedIn) $("signed-in").textContent = t("desk.signIn.who", { name: signedIn.session.name, roles: roleNames(signedIn.session.roles) });
}
async function signIn() {
  const answer = await call("POST", "/api/v1/sessions", { staff: $("sign-in-staff").value.trim(), pin: $("sign-in-pin").value }, false);
  $("sign-in-pin").value = "";
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(answer));
  // The desk speaks the language head office set for them.
  const wanted = answer.session.language;
  if (wanted && wanted !== LANG) { location.search = "?lang=" + encodeURIComponent(wanted); return; }
  showSignIn();
}
async function signOut() {
  try { await call("DELETE", "/api/v1/sessions/current", undefined, false); } finally {
    sessionStorage.removeItem(SESSION_KEY);
    showSignIn();
  }
}

// Sends `send(authorisedBy)` as the person signed in; when the node answers that it needs a
// manager, asks for one (the refusal stays shown until the manager authorises).
async function withAuthority(send) {
  try {
    await send(null);
  } catch (error) {
    if (error.code !== "authority.required") throw error;
    askAuthorisation(send);
    throw error;
  }
}

// A step that needs a manager: the manager types their staff ID and PIN at this desk, and the
// same step is sent again with them (it is then recorded as the manager's).
function askAuthorisation(retry) {
  $("authorise").hidden = false;
  $("authorise-staff").value = "";
  $("authorise-pin").value = "";
  $("authorise-staff").focus();
  $("authorise-button").onclick = guarded(async () => {
    const authorisedBy = { staff: $("authorise-staff").value.trim(), pin: $("authorise-pin").value };
    $("authorise-pin").value = "";
    // Closed while the step goes again, so the page never shows it for a step already done;
    // open again if the PIN is refused.
    $("authorise").hidden = true;
    try { await retry(authorisedBy); } catch (error) { $("authorise").hidden = false; throw error; }
  });
  $("authorise-cancel").onclick = () => { $("authorise").hidden = true; };
}

// The offline banner: the desk works the same without head office, and says so.
// Offline, other stores' receipts go against the store's risk budget, so it says what is left.
async function showLink(health) {
  const link = health.sync;
  const offline = link && !link.online && link.failedRounds > 0;
  $("offline").hidden = !offline;
  if (!offline) return;
  const parts = [t("desk.offline.head")];
  if (link.lastSuccess) parts.push(t("desk.offline.lastInTouch", { when: when(link.lastSuccess.millis) }));
  parts.push(t("desk.offline.kept", { count: health.outbox }));
  try {
    const escrow = await call("GET", "/api/v1/escrow");
    parts.push(t("desk.offline.budget", { amount: money(escrow.available) }));
  } catch (_) {}
  parts.push(t("desk.offline.noLookup"));
  $("offline").textContent = parts.join(" ");
}

// A problem as the person at the desk reads it, all in their language: what the code means, this
// occurrence with its figures and names (the server tells it in the page's language), and the
// code to quote to support.
function showProblem(error) {
  const box = $("problem");
  box.replaceChildren(el("p", {}, String(error.title || error.message || error)));
  if (error.detail && error.detail !== error.title) box.append(el("p", { class: "problem-detail" }, error.detail));
  if (error.code) box.append(el("p", { class: "muted" }, t("desk.problem.code", { code: error.code })));
  box.hidden = false;
}
function clearProblem() { $("problem").hidden = true; }
// Runs `action`, showing what went wrong instead of failing silently; the button that
// started it stays disabled until it is done, so a second click does nothing.
function guarded(action) {
  return async (...args) => {
    const button = args[0] && args[0].currentTarget instanceof HTMLButtonElement ? args[0].currentTarget : null;
    if (button) button.disabled = true;
    clearProblem();
    try { await action(...args); } catch (error) { showProblem(error); } finally { if (button) button.disabled = false; }
  };
}

// A select of `codes`, each shown in the catalog's words for `group`.
function select(group, codes, value) {
  const s = el("select", {});
  for (const code of codes) {
    const option = el("option", { value: code }, word(group, code));
    if (code === value) option.selected = true;
    s.append(option);
  }
  return s;
}
function headings(keys, numeric) {
  return el("tr", {}, ...keys.map((k, i) => el("th", numeric && numeric.includes(i) ? { class: "num" } : {}, k ? t("desk.column." + k) : "")));
}

// ── finding the sale ──
async function search() {
  const receipt = $("receipt").value.trim(), phone = $("phone").value.trim(), serial = $("serial").value.trim();
  $("found").replaceChildren();
  let sales;
  if (receipt) {
    // The same field takes a return number (typed, or scanned from a slip's barcode).
    try {
      showReturn(await call("GET", "/api/v1/returns/" + encodeURIComponent(receipt)));
      return;
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    sales = [await call("GET", "/api/v1/sales/" + encodeURIComponent(receipt))];
  }
  else if (phone) sales = await call("GET", "/api/v1/sales?phone=" + encodeURIComponent(phone));
  else if (serial) sales = await call("GET", "/api/v1/sales?serial=" + encodeURIComponent(serial));
  else throw new Error(t("desk.error.giveOne"));
  if (sales.length === 0) { $("found").append(el("p", { class: "muted" }, t("desk.find.none"))); return; }
  if (sales.length === 1) { openSale(sales[0]); return; }
  const rows = sales.map((v) => {
    const b = el("button", { type: "button" }, t("desk.find.choose"));
    b.addEventListener("click", () => openSale(v));
    return el("tr", {}, el("td", {}, v.sale.id), el("td", {}, v.sale.store), el("td", {}, when(v.sale.soldAt.millis)), el("td", {}, v.sale.customer || ""), el("td", {}, b));
  });
  $("found").append(el("table", {}, headings(["receipt", "store", "soldAt", "customer", ""]), ...rows));
}

function openSale(view) {
  currentSale = view;
  $("sale-title").textContent = t("desk.sale.returnAgainst");
  $("receiptless-customer").hidden = true;
  $("sale").hidden = false;
  $("verdict").replaceChildren();
  $("sale-id").textContent = view.sale.id;
  $("sale-info").textContent = t("desk.sale.info", { store: view.sale.store, when: when(view.sale.soldAt.millis) })
    + (view.sale.customer ? t("desk.sale.infoCustomer", { customer: view.sale.customer }) : "");
  showCustomer(view.sale.customer).catch(showProblem);
  const head = headings(["line", "product", "sold", "returned", "returnable", "unitPrice", "return", "reason", "condition"], [2, 3, 4, 5]);
  const rows = view.lines.map((l) => {
    const quantity = el("input", { type: "number", min: "0", max: String(l.returnable), value: "0", "data-line": String(l.line.line) });
    if (l.returnable === 0) quantity.disabled = true;
    // Serial-tracked goods come back by serial: pick the ones handed in; they make the quantity.
    const serials = l.line.serials || [];
    const pick = serials.length === 0 ? "" : el("select", { multiple: "", size: String(Math.min(4, serials.length)), "data-role": "serials", title: t("desk.sale.serialsTitle") },
      ...serials.map((serial) => el("option", { value: serial }, serial)));
    if (pick) {
      quantity.readOnly = true;
      pick.addEventListener("change", () => { quantity.value = String(pick.selectedOptions.length); });
    }
    const reason = select("reason", REASONS, "changedMind"); reason.dataset.role = "reason";
    const condition = select("condition", CONDITIONS, "unopened"); condition.dataset.role = "condition";
    return el("tr", { "data-line": String(l.line.line) },
      el("td", {}, l.line.line), el("td", {}, skuLabel(l.line.sku) + lotLabel(l.line.lot)),
      el("td", { class: "num" }, l.line.quantity), el("td", { class: "num" }, l.returned), el("td", { class: "num" }, l.returnable),
      el("td", { class: "num" }, money(l.line.unitPrice)), el("td", {}, quantity, pick), el("td", {}, reason), el("td", {}, condition));
  });
  $("sale-lines").replaceChildren(el("table", {}, head, ...rows));
}

// Without a receipt: goods picked from the catalog, the refund per unit entered (the shelf
// price by default), and the customer, whose earlier receipt-less returns the policy counts.
let catalog = [];
async function openReceiptless() {
  currentSale = null;
  catalog = await call("GET", "/api/v1/products");
  if (catalog.length === 0) throw new Error(t("desk.error.noProducts"));
  $("sale").hidden = false;
  $("verdict").replaceChildren();
  $("sale-title").textContent = t("desk.sale.withoutReceipt");
  $("sale-id").textContent = "";
  $("sale-info").textContent = "";
  $("receiptless-customer").hidden = false;
  $("customer-info").textContent = "";
  $("sale-lines").replaceChildren(el("table", { id: "receiptless-lines" }, headings(["product", "return", "refundPerUnit", "reason", "condition"])));
  addReceiptlessLine();
}

function addReceiptlessLine() {
  const sku = el("select", { "data-role": "sku" }, ...catalog.map((p) => el("option", { value: p.sku }, p.name + " (" + p.sku + ")")));
  const price = el("input", { "data-role": "price", size: "9" });
  const setPrice = () => {
    const product = catalog.find((p) => p.sku === sku.value);
    const digits = new Intl.NumberFormat(LANG, { style: "currency", currency: product.unitPrice.currency }).resolvedOptions().maximumFractionDigits;
    price.value = (product.unitPrice.minor / Math.pow(10, digits)).toFixed(digits);
  };
  sku.addEventListener("change", setPrice);
  setPrice();
  const reason = select("reason", REASONS, "changedMind"); reason.dataset.role = "reason";
  const condition = select("condition", CONDITIONS, "unopened"); condition.dataset.role = "condition";
  $("receiptless-lines").append(el("tr", { "data-sku": "" }, el("td", {}, sku),
    el("td", {}, el("input", { type: "number", min: "0", value: "1", "data-role": "quantity" })), el("td", {}, price), el("td", {}, reason), el("td", {}, condition)));
}

// What the desk should know about the customer: earlier returns (and how many without a
// receipt) and the store-credit balance, from the customer's history on this replica.
async function showCustomer(id) {
  $("customer-info").textContent = "";
  if (!id) return;
  const [history, credit] = await Promise.all([
    call("GET", "/api/v1/customers/" + encodeURIComponent(id) + "/history"),
    call("GET", "/api/v1/customers/" + encodeURIComponent(id) + "/store-credit"),
  ]);
  const returns = history.returns || [];
  const receiptless = returns.filter((r) => !r.request.sale).length;
  $("customer-info").textContent = t("desk.customer.returns", { id, count: returns.length })
    + (receiptless ? t("desk.customer.receiptless", { count: receiptless }) : "") + t("desk.customer.credit", { amount: money(credit.balance) });
}

function receiptlessCommand() {
  const lines = [];
  for (const row of $("sale-lines").querySelectorAll("tr[data-sku]")) {
    const quantity = Number(row.querySelector("[data-role=quantity]").value || "0");
    if (quantity <= 0) continue;
    const sku = row.querySelector("[data-role=sku]").value;
    const currency = catalog.find((p) => p.sku === sku).unitPrice.currency;
    const minor = minorUnits(row.querySelector("[data-role=price]").value, currency);
    if (minor === null) throw new Error(t("desk.error.refundPerUnit", { sku }));
    lines.push({ sku, quantity, unitRefund: { minor, currency },
      reason: row.querySelector("[data-role=reason]").value, condition: row.querySelector("[data-role=condition]").value });
  }
  if (lines.length === 0) throw new Error(t("desk.error.noItems"));
  const customer = $("customer").value.trim();
  return { type: $("return-type").value, ...howItComes(), lines, ...(customer ? { customer } : {}) };
}

// How the goods come back: over the counter, by courier (with its tracking number), or collected.
function howItComes() {
  const tracking = $("tracking").value.trim();
  return { method: $("return-method").value, ...($("return-method").value === "courier" && tracking ? { trackingNumber: tracking } : {}) };
}

function command() {
  if (currentSale === null) return receiptlessCommand();
  const lines = [];
  for (const row of $("sale-lines").querySelectorAll("tr[data-line]")) {
    const pick = row.querySelector("[data-role=serials]");
    const serials = pick ? [...pick.selectedOptions].map((o) => o.value) : [];
    const quantity = pick ? serials.length : Number(row.querySelector("input").value || "0");
    if (quantity > 0) {
      lines.push({ saleLine: Number(row.dataset.line), quantity, serials,
        reason: row.querySelector("[data-role=reason]").value, condition: row.querySelector("[data-role=condition]").value });
    }
  }
  if (lines.length === 0) throw new Error(t("desk.error.noLines"));
  return { sale: currentSale.sale.id, type: $("return-type").value, ...howItComes(), lines };
}

// The policy's verdict and each reason for it: in English the policy's own sentence (with its
// figures), in Chinese the catalog's words for the reason's code.
function showVerdict(verdict) {
  const reasons = verdict.reasons.map((r) => el("li", {}, LANG === "en" ? r.message : word("code", r.code)));
  const fee = verdict.restockingFee && verdict.restockingFee.minor > 0 ? t("desk.verdict.fee", { amount: money(verdict.restockingFee) }) : "";
  $("verdict").replaceChildren(el("p", {}, el("span", { class: verdict.decision }, word("decision", verdict.decision)), fee), el("ul", {}, ...reasons));
}

async function check() { showVerdict(await call("POST", "/api/v1/policy/evaluate", command(), false)); }

async function record() {
  const view = await call("POST", "/api/v1/returns", command());
  if (view.verdict) showVerdict(view.verdict);
  showReturn(view);
  await loadLatest();
}

// ── the return and its next step ──
function showReturn(view) {
  currentReturn = view;
  const r = view.request;
  $("return").hidden = false;
  $("return-id").textContent = view.id;
  $("return-status").textContent = word("status", view.status);
  $("return-status").dataset.status = view.status;
  $("return-info").textContent = (r.sale ? t("desk.return.receipt", { receipt: r.sale }) + (r.saleStore && r.saleStore !== r.store ? t("desk.return.soldAt", { store: r.saleStore }) : "") : t("desk.return.noReceipt"))
    + (r.customer ? t("desk.return.customer", { customer: r.customer }) : "")
    + t("desk.return.opened", { type: word("type", r.type), when: when(r.requestedAt.millis), store: r.store })
    + " · " + word("method", r.method) + (r.trackingNumber ? t("desk.money.reference", { reference: r.trackingNumber }) : "");
  const grades = new Map(view.grades.map((g) => [g.line, g.grade]));
  const disposed = new Map(view.dispositions.map((d) => [d.line, Object.keys(d.disposition)[0]]));
  $("return-lines").replaceChildren(el("table", {},
    headings(["line", "product", "units", "unitRefund", "reason", "condition", "grade", "disposition"], [2, 3]),
    ...r.lines.map((l) => el("tr", {}, el("td", {}, l.line), el("td", {}, skuLabel(l.sku) + lotLabel(l.lot)), el("td", { class: "num" }, l.quantity),
      el("td", { class: "num" }, money(l.unitRefund)), el("td", {}, word("reason", l.reason)), el("td", {}, word("condition", l.condition)),
      el("td", {}, grades.has(l.line) ? word("gradeName", grades.get(l.line)) : ""), el("td", {}, disposed.has(l.line) ? word("disposition", disposed.get(l.line)) : "")))));
  const gross = r.lines.reduce((n, l) => n + l.quantity * l.unitRefund.minor, 0);
  // Each tender with what went back on it: the customer's card, the till's cash, a transfer.
  const tenders = (allocations) => allocations.map((a) => t("desk.money.onTender", { amount: money(a.amount), tender: word("tender", a.tender) })
    + (a.reference ? t("desk.money.reference", { reference: a.reference }) : "")).join(t("desk.list.separator"));
  const paid = view.refunds.map((f) => t("desk.money.refunded", { amount: money({ currency: f.gross.currency, minor: f.gross.minor - f.restockingFee.minor }), tenders: tenders(f.allocations) }));
  const exchanged = view.exchanges.map((x) => t("desk.money.exchanged", { items: x.outLines.map((o) => skuLabel(o.sku) + " × " + o.quantity).join(t("desk.list.separator")) })
    + (x.difference.minor === 0 ? t("desk.money.noDifference")
      : x.difference.minor > 0 ? t("desk.money.customerPaid", { amount: money(x.difference), tender: word("tender", x.settlementTender) })
      : t("desk.money.customerGot", { amount: money(negative(x.difference)), tender: word("tender", x.settlementTender) })));
  $("return-money").replaceChildren(el("p", {}, t("desk.money.value", { amount: money({ currency: r.currency, minor: gross }) })
    + (r.restockingFee.minor > 0 ? t("desk.verdict.fee", { amount: money(r.restockingFee) }) : "")
    + [...paid, ...exchanged].map((text) => " · " + text).join("")));
  // Who did each step and when; the node and seq behind it are for integrators, not the desk.
  $("return-steps").replaceChildren(el("p", {}, view.steps.map((s) => t("desk.steps.step", { status: word("status", s.status), staff: staffName(s.staff), when: when(s.hlc.wall) })).join(" → ")));
  // An exchange that handed out more than the shelf's ledger holds (the store warns of it).
  const short = view.stockWarnings || [];
  $("stock-warning").hidden = short.length === 0;
  $("stock-warning").textContent = short.map((w) => t("desk.stockWarning", { product: skuLabel(w.sku), needed: w.needed, onHand: w.onHand })).join(" ");
  // A refunded return's credit notes (退款凭证), one button each; the node words the page.
  $("credit-notes").replaceChildren(...view.refunds.filter((f) => f.creditNote).map((f) =>
    button(t("desk.return.creditNote", { number: f.creditNote }), guarded(() => printCreditNote(f.creditNote)), false, "credit-note")));
  buildSlip(view);
  showActions(view);
}

function step(action, body) {
  return guarded(async () => {
    const id = currentReturn.id;
    const send = async (authorisedBy) => {
      showReturn(await call("POST", "/api/v1/returns/" + encodeURIComponent(id) + "/" + action, body, true, authorisedBy));
      await loadLatest();
      if (action === "dispose") { await loadRepairs(); await loadStock(); }
    };
    await withAuthority(send);
  });
}

// `action` names the step (data-action), so scripts and tests find it in any language.
function button(label, onClick, primary, action) {
  const b = el("button", { type: "button", class: primary ? "primary" : "", ...(action ? { "data-action": action } : {}) }, label);
  b.addEventListener("click", onClick);
  return b;
}

function lineLabel(line, sku, quantity) { return t("desk.action.line", { line, product: skuLabel(sku), quantity }); }

function showActions(view) {
  const box = $("actions");
  box.replaceChildren();
  const lines = view.request.lines;
  switch (view.status) {
    case "requested": {
      const note = el("input", { placeholder: t("desk.action.approvalNote"), size: "24" });
      const reason = el("input", { placeholder: t("desk.action.whyNot"), size: "24" });
      box.append(el("div", { class: "row" }, note, button(t("desk.action.approve"), () => step("approve", { note: note.value || undefined })(), true, "approve")),
        el("div", { class: "row" }, reason, button(t("desk.action.reject"), () => step("reject", { reason: reason.value })(), false, "reject")));
      break;
    }
    case "approved": {
      // Goods sent by courier are received with their tracking number (kept from the request).
      const tracking = el("input", { size: "16", placeholder: t("desk.sale.tracking"), value: view.request.trackingNumber || "", "data-role": "receive-tracking" });
      const receiveBody = () => (tracking.value.trim() ? { trackingNumber: tracking.value.trim() } : {});
      box.append(el("div", { class: "row" }, el("span", {}, t("desk.action.whenGoods")), ...(view.request.method === "counter" ? [] : [tracking]),
        button(t("desk.action.received"), () => step("receive", receiveBody())(), true, "receive")));
      break;
    }
    case "received": {
      const pickers = lines.map((l) => { const s = select("grade", GRADES, "a"); s.dataset.line = String(l.line); return s; });
      box.append(el("table", {}, ...lines.map((l, i) => el("tr", {}, el("td", {}, lineLabel(l.line, l.sku, l.quantity)), el("td", {}, pickers[i])))),
        el("div", { class: "row" }, button(t("desk.action.recordGrades"), () => step("inspect", {
          grades: lines.map((l, i) => ({ line: l.line, grade: pickers[i].value, quantity: l.quantity })),
        })(), true, "inspect")));
      break;
    }
    case "inspected": {
      const rows = view.grades.map((g) => dispositionRow(g, lines.find((l) => l.line === g.line), view.request.currency));
      box.append(el("table", {}, ...rows.map((r) => r.row)),
        el("div", { class: "row" }, button(t("desk.action.recordDispositions"), guarded(async () => {
          const dispositions = rows.map((r) => r.value());
          await step("dispose", { dispositions })();
        }), true, "dispose")));
      break;
    }
    case "disposed": {
      const exchange = view.request.type === "exchange";
      const method = select("refundMethod", ["originalTender", "cash", "bankTransfer", "storeCredit"], "originalTender");
      // A bank transfer needs its reference, for finance to reconcile it.
      const reference = el("input", { placeholder: t("desk.action.transferReference"), "data-role": "transfer-reference", hidden: "" });
      method.addEventListener("change", () => { reference.hidden = method.value !== "bankTransfer"; });
      const refundMethod = () => method.value === "bankTransfer" ? { bankTransfer: { reference: reference.value.trim() } } : method.value;
      const refundRow = el("div", { class: "row" }, el("span", {}, t("desk.action.refundTo")), method, reference, button(t("desk.action.refund"), () => step("refund", { method: refundMethod() })(), !exchange, "refund"));
      // An exchange hands goods out; the difference (new goods minus what came back) is settled on a tender.
      // The goods handed out: one or more items, each a product and a quantity.
      const settlement = select("tender", TENDERS, "card");
      const items = el("span", { class: "row", "data-role": "exchange-items" });
      const itemRows = [];
      const exchangeBody = () => ({
        items: itemRows.filter((r) => r.sku.value && Number(r.quantity.value) > 0).map((r) => ({ sku: r.sku.value, quantity: Number(r.quantity.value) })),
        settlement: settlement.value,
      });
      // The difference before anything is done, from the node's own rules (the preview route).
      const preview = el("span", { class: "muted", "data-role": "exchange-preview" });
      const showPreview = async () => {
        if (exchangeBody().items.length === 0) { preview.textContent = ""; return; }
        try {
          const x = await call("POST", "/api/v1/returns/" + encodeURIComponent(view.id) + "/exchange/preview", exchangeBody(), false);
          preview.textContent = x.difference.minor === 0 ? t("desk.preview.none")
            : x.difference.minor > 0 ? t("desk.preview.pays", { amount: money(x.difference) })
            : t("desk.preview.getsBack", { amount: money(negative(x.difference)) });
        } catch (error) { preview.textContent = String(error.title || error.message || error); }
      };
      let catalogOptions = [];
      const addItem = (first) => {
        const sku = el("select", { "data-role": "exchange-sku" }, ...catalogOptions.map((p) => el("option", { value: p.sku }, p.name + " (" + p.sku + ") · " + money(p.unitPrice))));
        if (first) sku.value = first;
        const quantity = el("input", { type: "number", min: "0", value: "1", "data-role": "exchange-quantity" });
        for (const input of [sku, quantity]) input.addEventListener("change", showPreview);
        itemRows.push({ sku, quantity });
        items.append(el("span", {}, quantity, " ", sku));
      };
      settlement.addEventListener("change", showPreview);
      const more = button(t("desk.action.addItem"), () => { addItem(); showPreview(); }, false, "exchange-add-item");
      const exchangeRow = el("div", { class: "row" }, el("span", {}, t("desk.action.handOut")), items, more, el("span", {}, t("desk.action.differenceOn")), settlement,
        button(t("desk.action.exchange"), () => step("exchange", exchangeBody())(), exchange, "exchange"), preview);
      box.append(...(exchange ? [exchangeRow, refundRow] : [refundRow, exchangeRow]));
      call("GET", "/api/v1/products").then((list) => {
        catalogOptions = list;
        addItem(lines[0] && lines[0].sku);
        return showPreview();
      }).catch(showProblem);
      break;
    }
    case "refunded":
    case "exchanged": {
      box.append(el("div", { class: "row" }, button(t("desk.action.close"), () => step("close")(), true, "close")));
      break;
    }
    default:
      box.append(el("p", { class: "muted" }, t(view.status === "closed" ? "desk.action.closed" : "desk.action.rejected")));
  }
}

// The disposition inputs a grade calls for (A restock, B resale at a written-down value with
// disclosure, C repair, D scrap, vendor defect back to the vendor).
function dispositionRow(grade, line, currency) {
  const label = el("td", {}, lineLabel(grade.line, line ? line.sku : "", grade.quantity) + " · " + word("gradeName", grade.grade));
  const inputs = el("td", {});
  const need = (input, key) => { const text = input.value.trim(); if (!text) throw new Error(t(key, { line: grade.line })); return text; };
  let value;
  switch (grade.grade) {
    case "a":
      inputs.append(t("desk.dispose.restock"));
      value = () => ({ restock: {} });
      break;
    case "b": {
      const price = el("input", { placeholder: t("desk.dispose.writtenDownValue"), size: "16" });
      const disclosure = el("input", { placeholder: t("desk.dispose.disclosure"), size: "28" });
      inputs.append(price, " ", disclosure);
      value = () => {
        const minor = minorUnits(price.value, currency);
        if (minor === null) throw new Error(t("desk.error.writtenDownValue", { line: grade.line }));
        return { refurbish: { unitValue: { minor, currency }, disclosure: need(disclosure, "desk.error.disclosure") } };
      };
      break;
    }
    case "c": {
      const technician = el("input", { placeholder: t("desk.dispose.technician"), size: "16", "data-role": "technician" });
      inputs.append(t("desk.dispose.repairFor"), " ", technician);
      value = () => ({ repair: { order: "", technician: need(technician, "desk.error.technician") } });
      break;
    }
    case "d": {
      const reason = el("input", { placeholder: t("desk.dispose.scrapReason"), size: "28" });
      inputs.append(reason);
      value = () => ({ scrap: { reason: need(reason, "desk.error.scrapReason") } });
      break;
    }
    default: {
      const vendor = el("input", { placeholder: t("desk.dispose.vendor"), size: "14" });
      const rma = el("input", { placeholder: t("desk.dispose.rma"), size: "14" });
      inputs.append(vendor, " ", rma);
      value = () => {
        const name = need(vendor, "desk.error.vendor");
        return { returnToVendor: rma.value.trim() ? { vendor: name, rma: rma.value.trim() } : { vendor: name } };
      };
    }
  }
  return { row: el("tr", {}, label, inputs), value: () => ({ line: grade.line, quantity: grade.quantity, disposition: value() }) };
}

async function openReturn(id) { showReturn(await call("GET", "/api/v1/returns/" + encodeURIComponent(id))); }

// This store's own returns, newest first (what this node knows; other stores' are at head office).
async function loadLatest() {
  const returns = await call("GET", "/api/v1/returns?limit=20");
  if (returns.length === 0) { $("latest-list").replaceChildren(el("p", { class: "muted" }, t("desk.latest.none"))); return; }
  $("latest-list").replaceChildren(el("table", {},
    headings(["returnNumber", "receipt", "customer", "opened", "status", ""]),
    ...returns.map((v) => el("tr", {}, el("td", {}, v.id), el("td", {}, v.request.sale || t("desk.return.noReceipt")), el("td", {}, v.request.customer || ""),
      el("td", {}, when(v.request.requestedAt.millis)), el("td", {}, word("status", v.status)),
      el("td", {}, button(t("desk.latest.open"), guarded(() => openReturn(v.id))))))));
}

document.addEventListener("DOMContentLoaded", () => {
  $("staff").value = localStorage.getItem(STAFF_KEY) || "";
  $("staff").addEventListener("change", () => localStorage.setItem(STAFF_KEY, staff()));
  // A key in the address is moved into this browser and out of the address bar and history.
  const given = new URLSearchParams(location.hash.slice(1));
  if (given.get("key")) {
    localStorage.setItem(DESK_KEY, given.get("key"));
    given.delete("key");
    history.replaceState(null, "", location.pathname + location.search + (given.toString() ? "#" + given : ""));
  }
  $("key-field").hidden = deskKey() !== "";
  $("key").addEventListener("change", () => { localStorage.setItem(DESK_KEY, $("key").value.trim()); location.reload(); });
  // The language switch reloads the page in the other language (the node remembers the choice).
  $("language").addEventListener("change", () => { location.search = "?lang=" + encodeURIComponent($("language").value); });
  $("sign-in-button").addEventListener("click", guarded(signIn));
  $("sign-in-pin").addEventListener("keydown", (e) => { if (e.key === "Enter") $("sign-in-button").click(); });
  $("sign-out").addEventListener("click", guarded(signOut));
  $("search").addEventListener("click", guarded(search));
  $("count-record").addEventListener("click", guarded(recordCount));
  $("adjust-record").addEventListener("click", guarded(recordAdjustment));
  $("no-receipt").addEventListener("click", guarded(openReceiptless));
  $("add-line").addEventListener("click", guarded(async () => addReceiptlessLine()));
  $("customer").addEventListener("change", guarded(() => showCustomer($("customer").value.trim())));
  for (const id of ["receipt", "phone", "serial"]) $(id).addEventListener("keydown", (e) => { if (e.key === "Enter") $("search").click(); });
  $("check").addEventListener("click", guarded(check));
  $("record").addEventListener("click", guarded(record));
  $("return-method").addEventListener("change", () => { $("tracking").hidden = $("return-method").value !== "courier"; });
  $("paper").value = localStorage.getItem("returnsync.desk.paper") || "receipt";
  document.body.dataset.paper = $("paper").value;
  $("paper").addEventListener("change", () => { document.body.dataset.paper = $("paper").value; });
  $("print").addEventListener("click", printSlip);
  guarded(async () => {
    const health = await call("GET", "/healthz");
    $("whoami").textContent = t("desk.whoami", { store: health.store, count: health.outbox });
    await showLink(health);
    // Every 5 s: a link that went silent shows within seconds (the node gives up on a hub that
    // does not connect after 3 s, and one that refuses at once).
    setInterval(async () => { try { await showLink(await call("GET", "/healthz")); } catch (_) {} }, 5000);
    try { products = new Map((await call("GET", "/api/v1/products")).map((p) => [p.sku, p])); } catch (_) {}
    try { storeProfile = await call("GET", "/api/v1/store"); } catch (_) {}
    signInRequired = !!(storeProfile && storeProfile.signIn);
    if (signInRequired) {
      try { staffNames = new Map((await call("GET", "/api/v1/staff")).map((m) => [m.id, m.name])); } catch (_) {}
    }
    showSignIn();
    await loadLatest();
    fillStockTake();
    await loadStock();
    await loadRepairs();
    // An address like /desk#receipt=R-1 opens that sale at once, /desk#return=RT-… that return
    // (for a link or a code printed on a receipt or a slip).
    const wanted = new URLSearchParams(location.hash.slice(1));
    if (wanted.get("receipt")) { $("receipt").value = wanted.get("receipt"); await search(); }
    if (wanted.get("return")) await openReturn(wanted.get("return"));
    document.body.dataset.loaded = String(Date.now());
  })();
});

// ── repairs ──
// The store's open repair orders: progress (labour so far), then repaired (to B-grade stock at a
// written-down resale price) or unrepairable (scrapped), each with what it cost.
async function loadRepairs() {
  const repairs = await call("GET", "/api/v1/repairs");
  if (repairs.length === 0) { $("repair-list").replaceChildren(el("p", { class: "muted" }, t("desk.repairs.none"))); return; }
  $("repair-list").replaceChildren(el("table", {},
    el("tr", {}, ...["repairOrder", "product", "units", "technician", "status", ""].map((k) => el("th", {}, k ? t("desk.repairs." + k) : ""))),
    ...repairs.map(repairRow)));
}
function repairRow(r) {
  const o = r.order;
  const currency = o.unitCost.currency;
  const cost = el("input", { size: "8", placeholder: t("desk.repairs.cost"), "data-role": "repair-cost" });
  const price = el("input", { size: "8", placeholder: t("desk.repairs.resalePrice"), "data-role": "repair-price" });
  const reason = el("input", { size: "14", placeholder: t("desk.repairs.reason"), "data-role": "repair-reason" });
  const amount = (input, key) => {
    const minor = minorUnits(input.value, currency);
    if (minor === null) throw new Error(t(key, { id: o.id }));
    return { minor, currency };
  };
  const post = (action, body) => guarded(async () => {
    await call("POST", "/api/v1/repairs/" + encodeURIComponent(o.id) + "/" + action, body());
    await loadRepairs();
    await loadStock();
  });
  return el("tr", { "data-repair": o.id },
    el("td", {}, o.id), el("td", {}, skuLabel(o.sku)), el("td", { class: "num" }, o.quantity), el("td", {}, o.technician),
    el("td", {}, word("repairStatus", r.status)),
    el("td", {}, el("div", { class: "row" }, cost,
      button(t("desk.repairs.progress"), post("progress", () => ({ status: "inProgress", laborCost: amount(cost, "desk.repairs.giveCost") })), false, "repair-progress"),
      price, button(t("desk.repairs.repaired"), post("complete", () => ({ outcome: { repaired: { resalePrice: amount(price, "desk.repairs.givePrice") } }, totalCost: amount(cost, "desk.repairs.giveCost") })), true, "repair-repaired"),
      reason, button(t("desk.repairs.unrepairable"), post("complete", () => {
        if (!reason.value.trim()) throw new Error(t("desk.repairs.giveReason", { id: o.id }));
        return { outcome: { unrepairable: { reason: reason.value.trim() } }, totalCost: amount(cost, "desk.repairs.giveCost") };
      }), false, "repair-unrepairable"))));
}

// ── stock-take ──
// Where goods sit at this store, returned goods' locations first to count; what this node's ledger holds.
const LOCATIONS = ["pendingInspection", "repair", "refurbished", "scrap", "returnToVendor", "sellable"];
async function loadStock() {
  const rows = await call("GET", "/api/v1/stock");
  $("stock-list").replaceChildren(rows.length === 0 ? el("p", { class: "muted" }, t("desk.stocktake.none")) : el("table", {},
    el("tr", {}, el("th", {}, t("desk.column.product")), el("th", {}, t("desk.stocktake.location")), el("th", { class: "num" }, t("desk.column.units")), el("th", {}, "")),
    ...rows.map((r) => el("tr", { "data-stock": r.sku + "@" + r.location }, el("td", {}, skuLabel(r.sku)), el("td", {}, word("location", r.location)), el("td", { class: "num" }, r.quantity),
      el("td", {}, r.location === "refurbished" && r.quantity > 0 ? resaleForm(r.sku) : "")))));
}
// B-grade units go back on sale from here: one unit at the written-down value unless a price is
// typed (a lower price is an open price, which above the store's limit needs a manager).
function resaleForm(sku) {
  const product = products.get(sku);
  const currency = product ? product.unitPrice.currency : "";
  const price = el("input", { size: "8", placeholder: t("desk.resale.price"), "data-role": "resale-price" });
  const serial = el("input", { size: "14", placeholder: t("desk.resale.serial"), "data-role": "resale-serial" });
  const tender = select("tender", TENDERS, "cash");
  tender.dataset.role = "resale-tender";
  const sell = guarded(async () => {
    const body = { sku, quantity: 1, tender: tender.value };
    if (price.value.trim()) {
      const minor = minorUnits(price.value, currency);
      if (minor === null) throw new Error(t("desk.resale.givePrice"));
      body.unitPrice = { minor, currency };
    }
    if (product && product.serialTracked) {
      if (!serial.value.trim()) throw new Error(t("desk.resale.giveSerial"));
      body.serials = [serial.value.trim()];
    }
    await withAuthority(async (authorisedBy) => {
      const view = await call("POST", "/api/v1/resales", body, true, authorisedBy);
      const line = view.sale.lines[0];
      $("resale-result").textContent = t("desk.resale.result", { id: view.sale.id, product: skuLabel(line.sku),
        amount: money(view.sale.tenders[0].amount), tender: word("tender", view.sale.tenders[0].tender) });
      await loadStock();
    });
  });
  return el("div", { class: "row" }, ...(product && product.serialTracked ? [serial] : []), price, tender,
    button(t("desk.resale.sell"), sell, true, "resell"));
}
async function recordCount() {
  const body = { sku: $("count-sku").value, location: $("count-location").value, counted: Number($("count-quantity").value) };
  if (!body.sku || !(body.counted >= 0)) throw new Error(t("desk.stocktake.giveCount"));
  const send = async (authorisedBy) => {
    const view = await call("POST", "/api/v1/stock/counts", body, true, authorisedBy);
    const c = view.count;
    $("count-result").textContent = t("desk.stocktake.result", { id: view.id, product: skuLabel(c.sku), location: word("location", c.location),
      counted: c.counted, expected: c.expected, difference: (c.counted - c.expected > 0 ? "+" : "") + (c.counted - c.expected), staff: staffName(view.staff) });
    await loadStock();
  };
  await withAuthority(send);
}
// An adjustment of the product and location chosen above: out with a reason (a write-off,
// which may need a manager) or found.
async function recordAdjustment() {
  const body = { sku: $("count-sku").value, location: $("count-location").value, quantity: Number($("adjust-quantity").value),
    reason: $("adjust-reason").value, ...($("adjust-note").value.trim() ? { note: $("adjust-note").value.trim() } : {}) };
  await withAuthority(async (authorisedBy) => {
    const view = await call("POST", "/api/v1/stock/adjustments", body, true, authorisedBy);
    const a = view.adjustment;
    $("adjust-result").textContent = t("desk.adjust.result", { id: view.id, direction: a.reason === "found" ? "+" : "−", quantity: a.quantity,
      product: skuLabel(a.sku), location: word("location", a.location), reason: word("adjustReason", a.reason), staff: staffName(view.staff) });
    await loadStock();
  });
}
function fillStockTake() {
  $("adjust-reason").replaceChildren(...["damaged", "writeOff", "zeroValueIssue", "found"].map((r) => el("option", { value: r }, word("adjustReason", r))));
  $("count-location").replaceChildren(...LOCATIONS.map((l) => el("option", { value: l }, word("location", l))));
  $("count-sku").replaceChildren(...[...products.values()].map((p) => el("option", { value: p.sku }, p.name + " (" + p.sku + ")")));
}

// ── the slip the customer takes home ──
// Code 128 (code set B) as an SVG, for the return number on the slip: each symbol is three bars
// and three spaces whose widths (in modules) are listed here, as ISO/IEC 15417 gives them
// (checked against python-barcode's table); 104 starts code set B, 106 stops.
const CODE128 = ("212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 113222 "
  + "123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 "
  + "131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 231131 213113 "
  + "213311 213131 311123 311321 331121 312113 312311 332111 314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
  + "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 "
  + "421211 212141 214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112").split(" ");
function barcode(text) {
  if (!/^[ -~]+$/.test(text)) return null;
  const values = [104, ...[...text].map((c) => c.charCodeAt(0) - 32)];
  const check = values.reduce((sum, v, i) => sum + v * Math.max(i, 1), 0) % 103;
  const widths = [...values, check, 106].map((v) => CODE128[v]).join("");
  const quiet = 10;
  const modules = [...widths].reduce((n, w) => n + Number(w), 0) + 2 * quiet;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 " + modules + " 40");
  svg.setAttribute("class", "barcode");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", text);
  let x = quiet;
  [...widths].forEach((w, i) => {
    if (i % 2 === 0) {
      const bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      for (const [k, v] of Object.entries({ x, y: 0, width: w, height: 40 })) bar.setAttribute(k, String(v));
      svg.append(bar);
    }
    x += Number(w);
  });
  return svg;
}

// The store's name, address and tax id for the slip's head (`returnsync node profile`).
let storeProfile = null;

// The return as a document for the customer, in the page's language: the store's head, the
// return number as a barcode, the goods with their names, what went back on each tender, the
// policy that applied and the signature lines. Shown only when printed (80 mm or A4).
function buildSlip(view) {
  const r = view.request;
  const money0 = (minor) => money({ currency: r.currency, minor });
  const profile = storeProfile || { store: r.store };
  const head = el("header", { class: "slip-store" }, el("strong", {}, profile.name || profile.store || r.store));
  if (profile.address) head.append(el("div", {}, profile.address));
  if (profile.taxID) head.append(el("div", {}, t("desk.slip.taxID", { id: profile.taxID })));
  const code = barcode(view.id);
  const facts = [
    [t("desk.slip.number"), view.id],
    [t("desk.slip.date"), when(r.requestedAt.millis)],
    [t("desk.slip.receipt"), r.sale ? r.sale + (r.saleStore && r.saleStore !== r.store ? t("desk.return.soldAt", { store: r.saleStore }) : "") : t("desk.return.noReceipt")],
    ...(r.customer ? [[t("desk.slip.customer"), r.customer]] : []),
    [t("desk.slip.type"), word("type", r.type)],
    [t("desk.slip.method"), word("method", r.method) + (r.trackingNumber ? t("desk.money.reference", { reference: r.trackingNumber }) : "")],
    [t("desk.slip.status"), word("status", view.status)],
  ];
  const rows = r.lines.map((l) => el("tr", {},
    el("td", {}, el("div", {}, skuLabel(l.sku) + lotLabel(l.lot)), el("div", { class: "muted" }, word("reason", l.reason) + " · " + word("condition", l.condition))),
    el("td", { class: "num" }, l.quantity), el("td", { class: "num" }, money(l.unitRefund)), el("td", { class: "num" }, money0(l.quantity * l.unitRefund.minor))));
  const gross = r.lines.reduce((n, l) => n + l.quantity * l.unitRefund.minor, 0);
  const totals = [[t("desk.slip.value"), money0(gross)]];
  if (r.restockingFee.minor > 0) totals.push([t("desk.slip.fee"), "−" + money(r.restockingFee)]);
  for (const f of view.refunds) {
    for (const a of f.allocations) {
      totals.push([t("desk.slip.refundedTo", { tender: word("tender", a.tender) }) + (a.reference ? t("desk.money.reference", { reference: a.reference }) : ""), money(a.amount)]);
    }
  }
  for (const x of view.exchanges) {
    totals.push([t("desk.slip.handedOut"), x.outLines.map((o) => skuLabel(o.sku) + " × " + o.quantity).join(t("desk.list.separator"))]);
    if (x.difference.minor !== 0) {
      totals.push([t(x.difference.minor > 0 ? "desk.slip.customerPaid" : "desk.slip.customerGot", { tender: word("tender", x.settlementTender) }),
        money(x.difference.minor > 0 ? x.difference : negative(x.difference))]);
    }
  }
  const notes = r.policyNotes || [];
  const policy = notes.length === 0 ? t("desk.slip.policyAllowed") : notes.map((n) => word("code", n)).join(" ");
  const servedBy = [...new Set(view.steps.map((s) => staffName(s.staff)))].join(t("desk.list.separator"));
  $("slip").replaceChildren(head,
    el("h1", {}, t("desk.slip.title")),
    code ? el("div", { class: "slip-code" }, code) : "",
    el("dl", {}, ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("table", {}, el("tr", {}, ...["product", "units", "unitRefund", "subtotal"].map((k, i) => el("th", i > 0 ? { class: "num" } : {}, t("desk.column." + k)))), ...rows),
    el("table", { class: "slip-totals" }, ...totals.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", { class: "num" }, v)))),
    el("p", {}, t("desk.slip.policy", { policy })),
    el("p", {}, t("desk.slip.servedBy", { staff: servedBy })),
    el("div", { class: "slip-signatures" }, el("div", {}, t("desk.slip.customerSignature")), el("div", {}, t("desk.slip.staffSignature"))),
    el("p", { class: "muted" }, t("desk.slip.keep")));
}

// The credit note of a refund as the node renders it (A4, in the desk's language), opened in a
// window of its own to print: the window is opened at the click, before the answer, so that a
// browser does not take it for a pop-up.
async function printCreditNote(number) {
  const view = window.open("", "_blank");
  const headers = { Accept: "text/html", "Accept-Language": LANG };
  if (deskKey()) headers["Authorization"] = "Bearer " + deskKey();
  const response = await fetch("/api/v1/credit-notes/" + encodeURIComponent(number) + "?lang=" + encodeURIComponent(LANG), { headers });
  if (!response.ok) {
    if (view) view.close();
    throw await problemError(response);
  }
  const page = await response.text();
  if (!view) { window.location.assign(URL.createObjectURL(new Blob([page], { type: "text/html" }))); return; }
  view.document.open();
  view.document.write(page);
  view.document.close();
  view.focus();
  view.print();
}

// 80 mm receipt paper or A4, as the desk's printer takes it.
function printSlip() {
  const paper = $("paper").value;
  localStorage.setItem("returnsync.desk.paper", paper);
  document.body.dataset.paper = paper;
  $("page-size").textContent = paper === "a4" ? "@page { size: A4; margin: 15mm; }" : "@page { size: 80mm auto; margin: 3mm; }";
  window.print();
}
