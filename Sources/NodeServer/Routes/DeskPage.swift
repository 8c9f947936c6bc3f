import HTTPSupport
import Hummingbird

extension NodeRoutes {
    /// `GET /desk` and `GET /desk.js`: the return desk's web page. It holds no data and calls the
    /// node's own `/api/v1/*` routes, as the POS does, with the staff member's name in `X-Staff`.
    func addDeskRoutes(to router: Router<BasicRequestContext>) {
        router.get("desk") { _, _ in WebPage.response(DeskPage.page, contentType: WebPage.html) }
        router.get("desk.js") { _, _ in WebPage.response(DeskPage.script, contentType: WebPage.javascript) }
    }
}

/// The page staff at the return desk work in: find the sale (receipt, phone or serial), check the
/// policy, record the return, then take it through approval, receipt, grading, disposition, refund
/// or exchange and closing, and print the slip. Everything it shows comes from the node's API, so it works
/// with the network to head office unplugged.
enum DeskPage {
    static let page = WebPage.document(
        title: "ReturnSync — return desk", script: "/desk.js",
        style: """
              body { font-size: 15px; line-height: 1.45; }
              header input { width: 9rem; }
              main { padding: 1rem 1.25rem; display: grid; gap: 1rem; max-width: 78rem; }
              h2 { font-size: 1.05rem; margin: 0 0 .6rem; }
              table { margin: .4rem 0; }
              th, td { padding: .3rem .5rem; }
              input, select, button { font: inherit; }
              input[type=number] { width: 4.5rem; }
              button { padding: .3rem .8rem; border-radius: 4px; border: 1px solid #9aa3ad; background: #fff; cursor: pointer; }
              button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
              .row { display: flex; gap: .6rem; flex-wrap: wrap; align-items: center; margin: .4rem 0; }
              #offline { margin: 1rem 1.25rem 0; padding: .5rem .75rem; border: 1px solid #c98a00; background: #fff6e0; border-radius: 6px; }
              .muted { color: var(--muted); }
              .allow { color: var(--ok); font-weight: 600; }
              .needsApproval { color: var(--warn); font-weight: 600; }
              .deny { color: var(--bad); font-weight: 600; }
              .status { display: inline-block; padding: .05rem .5rem; border-radius: 999px; background: #e8ecf3; font-weight: 600; }
              @media print {
                header, #find, #sale, #latest, .actions, #problem, #offline { display: none !important; }
                body { background: #fff; }
                section { border: 0; }
              }
            """,
        body: """
            <header>
              <h1>ReturnSync — return desk</h1>
              <span id="whoami"></span>
              <span class="spacer"></span>
              <label>Staff <input id="staff" autocomplete="username" placeholder="your name"></label>
              <label id="key-field" hidden>Desk key <input id="key" type="password" autocomplete="off" placeholder="from the store manager"></label>
            </header>
            <div id="offline" role="status" hidden></div>
            <div id="problem" role="alert" hidden></div>
            <main>
              <section id="find">
                <h2>Find the sale</h2>
                <div class="row">
                  <label>Receipt <input id="receipt" size="16"></label>
                  <label>or phone <input id="phone" size="14"></label>
                  <label>or serial <input id="serial" size="14"></label>
                  <button id="search" class="primary" type="button">Find</button>
                  <button id="no-receipt" type="button">No receipt</button>
                </div>
                <div id="found"></div>
              </section>
              <section id="sale" hidden>
                <h2><span id="sale-title">Return against</span> <span id="sale-id"></span> <span class="muted" id="sale-info"></span></h2>
                <div class="row" id="receiptless-customer" hidden><label>Customer <input id="customer" size="14"></label>
                  <button id="add-line" type="button">Add a line</button></div>
                <p class="muted" id="customer-info"></p>
                <div id="sale-lines"></div>
                <div class="row">
                  <label>Type <select id="return-type"><option value="refund">refund</option><option value="exchange">exchange</option></select></label>
                  <button id="check" type="button">Check policy</button>
                  <button id="record" class="primary" type="button">Record return</button>
                </div>
                <div id="verdict"></div>
              </section>
              <section id="return" hidden>
                <h2>Return <span id="return-id"></span> <span class="status" id="return-status"></span></h2>
                <div id="return-info" class="muted"></div>
                <div id="return-lines"></div>
                <div id="return-money"></div>
                <div class="actions" id="actions"></div>
                <div class="row actions"><button id="print" type="button">Print slip</button></div>
                <div id="return-steps" class="muted"></div>
              </section>
              <section id="latest">
                <h2>Latest returns at this store</h2>
                <div id="latest-list"></div>
              </section>
            </main>
            """)

    static let script =
        WebPage.helpers + #"""
            // ReturnSync return desk: every figure and check comes from this node's API (/api/v1), which
            // works with the link to head office down. Writes carry the staff member's name (X-Staff).
            const STAFF_KEY = "returnsync.desk.staff";
            // The desk's key to the node's API (`returnsync node token add`), given once by opening
            // /desk#key=<key> or typing it; kept in this browser.
            const DESK_KEY = "returnsync.desk.key";
            const REASONS = ["changedMind", "defective", "damagedInTransit", "wrongItem", "notAsDescribed", "sizeOrFit", "other"];
            const CONDITIONS = ["unopened", "openedComplete", "incomplete", "used", "damaged"];
            const GRADES = [["a", "A: as new, back to stock"], ["b", "B: cosmetic flaws, resell discounted"], ["c", "C: repairable"], ["d", "D: beyond repair, scrap"], ["vendorDefect", "vendor defect, back to vendor"]];
            let currentSale = null;
            let currentReturn = null;

            function staff() { return $("staff").value.trim(); }
            const TENDERS = { card: "on card", cash: "in cash", bankTransfer: "by bank transfer", storeCredit: "in store credit" };
            function tenderName(tender) { return TENDERS[tender] || tender; }
            function deskKey() { return localStorage.getItem(DESK_KEY) || ""; }

            // `writes`: the request records something, so it must say who (checking the policy does not).
            async function call(method, path, body, writes = method !== "GET") {
              const headers = { Accept: "application/json" };
              if (body !== undefined) headers["Content-Type"] = "application/json";
              if (writes && !staff()) throw new Error("Enter your name under Staff first: every write records who did it.");
              // Percent-encoded UTF-8: a browser sends nothing but ISO-8859-1 in a header (王丽).
              if (staff()) headers["X-Staff"] = encodeURIComponent(staff());
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
                throw new Error("This desk has no key to the node, or its key was revoked: enter the desk key from the store manager under Desk key.");
              }
              if (!response.ok) throw await problemError(response);
              return response.json();
            }

            // The offline banner: the desk works the same without head office, and says so.
            // Offline, other stores' receipts go against the store's risk budget, so it says what is left.
            async function showLink(health) {
              const link = health.sync;
              const offline = link && !link.online && link.failedRounds > 0;
              $("offline").hidden = !offline;
              if (!offline) return;
              let budget = "";
              try {
                const escrow = await call("GET", "/api/v1/escrow");
                budget = " Returns of other stores' receipts can use " + money(escrow.available) + " more of this store's risk budget.";
              } catch (_) {}
              $("offline").textContent = "Working offline: head office cannot be reached" +
                (link.lastSuccess ? " (last in touch " + when(link.lastSuccess.millis) + ")" : "") +
                ". Everything you record is kept here; " + health.outbox + " change(s) will go to head office when the link is back." +
                budget + " Sales made at other stores since then cannot be looked up.";
            }

            function showProblem(error) {
              $("problem").textContent = String(error.message || error);
              $("problem").hidden = false;
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

            function select(options, value) {
              const s = el("select", {});
              for (const o of options) {
                const [v, label] = Array.isArray(o) ? o : [o, o];
                const option = el("option", { value: v }, label);
                if (v === value) option.selected = true;
                s.append(option);
              }
              return s;
            }

            // ── finding the sale ──
            async function search() {
              const receipt = $("receipt").value.trim(), phone = $("phone").value.trim(), serial = $("serial").value.trim();
              $("found").replaceChildren();
              let sales;
              if (receipt) sales = [await call("GET", "/api/v1/sales/" + encodeURIComponent(receipt))];
              else if (phone) sales = await call("GET", "/api/v1/sales?phone=" + encodeURIComponent(phone));
              else if (serial) sales = await call("GET", "/api/v1/sales?serial=" + encodeURIComponent(serial));
              else throw new Error("Give a receipt number, a phone number or a serial number.");
              if (sales.length === 0) { $("found").append(el("p", { class: "muted" }, "No sale found on this node.")); return; }
              if (sales.length === 1) { openSale(sales[0]); return; }
              const rows = sales.map((v) => {
                const b = el("button", { type: "button" }, "Choose");
                b.addEventListener("click", () => openSale(v));
                return el("tr", {}, el("td", {}, v.sale.id), el("td", {}, v.sale.store), el("td", {}, when(v.sale.soldAt.millis)), el("td", {}, v.sale.customer || ""), el("td", {}, b));
              });
              $("found").append(el("table", {}, el("tr", {}, ...["receipt", "store", "sold", "customer", ""].map((h) => el("th", {}, h))), ...rows));
            }

            function openSale(view) {
              currentSale = view;
              $("sale-title").textContent = "Return against";
              $("receiptless-customer").hidden = true;
              $("sale").hidden = false;
              $("verdict").replaceChildren();
              $("sale-id").textContent = view.sale.id;
              $("sale-info").textContent = "sold at " + view.sale.store + " on " + when(view.sale.soldAt.millis) + (view.sale.customer ? " to " + view.sale.customer : "");
              showCustomer(view.sale.customer).catch(showProblem);
              const head = el("tr", {}, ...["line", "SKU", "sold", "returned", "returnable", "unit price", "return", "reason", "condition"].map((h, i) => el("th", i >= 2 && i <= 5 ? { class: "num" } : {}, h)));
              const rows = view.lines.map((l) => {
                const quantity = el("input", { type: "number", min: "0", max: String(l.returnable), value: "0", "data-line": String(l.line.line) });
                if (l.returnable === 0) quantity.disabled = true;
                // Serial-tracked goods come back by serial: pick the ones handed in; they make the quantity.
                const serials = l.line.serials || [];
                const pick = serials.length === 0 ? "" : el("select", { multiple: "", size: String(Math.min(4, serials.length)), "data-role": "serials", title: "the serials handed in" },
                  ...serials.map((serial) => el("option", { value: serial }, serial)));
                if (pick) {
                  quantity.readOnly = true;
                  pick.addEventListener("change", () => { quantity.value = String(pick.selectedOptions.length); });
                }
                const reason = select(REASONS, "changedMind"); reason.dataset.role = "reason";
                const condition = select(CONDITIONS, "unopened"); condition.dataset.role = "condition";
                return el("tr", { "data-line": String(l.line.line) },
                  el("td", {}, l.line.line), el("td", {}, l.line.sku),
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
              if (catalog.length === 0) throw new Error("This node has no products yet.");
              $("sale").hidden = false;
              $("verdict").replaceChildren();
              $("sale-title").textContent = "Return without a receipt";
              $("sale-id").textContent = "";
              $("sale-info").textContent = "";
              $("receiptless-customer").hidden = false;
              $("customer-info").textContent = "";
              $("sale-lines").replaceChildren(el("table", { id: "receiptless-lines" },
                el("tr", {}, ...["SKU", "return", "refund per unit", "reason", "condition"].map((h) => el("th", {}, h)))));
              addReceiptlessLine();
            }

            function addReceiptlessLine() {
              const sku = el("select", { "data-role": "sku" }, ...catalog.map((p) => el("option", { value: p.sku }, p.sku + " · " + p.name)));
              const price = el("input", { "data-role": "price", size: "9" });
              const setPrice = () => {
                const product = catalog.find((p) => p.sku === sku.value);
                const digits = new Intl.NumberFormat(undefined, { style: "currency", currency: product.unitPrice.currency }).resolvedOptions().maximumFractionDigits;
                price.value = (product.unitPrice.minor / Math.pow(10, digits)).toFixed(digits);
              };
              sku.addEventListener("change", setPrice);
              setPrice();
              const reason = select(REASONS, "changedMind"); reason.dataset.role = "reason";
              const condition = select(CONDITIONS, "unopened"); condition.dataset.role = "condition";
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
              $("customer-info").textContent = "Customer " + id + ": " + returns.length + " earlier return(s)"
                + (receiptless ? ", " + receiptless + " without a receipt" : "") + " · store credit " + money(credit.balance);
            }

            function receiptlessCommand() {
              const lines = [];
              for (const row of $("sale-lines").querySelectorAll("tr[data-sku]")) {
                const quantity = Number(row.querySelector("[data-role=quantity]").value || "0");
                if (quantity <= 0) continue;
                const sku = row.querySelector("[data-role=sku]").value;
                const currency = catalog.find((p) => p.sku === sku).unitPrice.currency;
                const minor = minorUnits(row.querySelector("[data-role=price]").value, currency);
                if (minor === null) throw new Error(sku + ": give the refund per unit, e.g. 19.90.");
                lines.push({ sku, quantity, unitRefund: { minor, currency },
                  reason: row.querySelector("[data-role=reason]").value, condition: row.querySelector("[data-role=condition]").value });
              }
              if (lines.length === 0) throw new Error("Enter how many units of which item come back.");
              const customer = $("customer").value.trim();
              return { type: $("return-type").value, lines, ...(customer ? { customer } : {}) };
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
              if (lines.length === 0) throw new Error("Enter how many units of which line come back.");
              return { sale: currentSale.sale.id, type: $("return-type").value, lines };
            }

            function showVerdict(verdict) {
              const reasons = verdict.reasons.map((r) => el("li", {}, r.message + " (" + r.code + ")"));
              const fee = verdict.restockingFee && verdict.restockingFee.minor > 0 ? " · restocking fee " + money(verdict.restockingFee) : "";
              const words = { allow: "Allowed", needsApproval: "Needs a manager's approval", deny: "Not allowed" };
              $("verdict").replaceChildren(el("p", {}, el("span", { class: verdict.decision }, words[verdict.decision] || verdict.decision), fee), el("ul", {}, ...reasons));
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
              $("return-status").textContent = view.status;
              $("return-info").textContent = (r.sale ? "receipt " + r.sale + (r.saleStore && r.saleStore !== r.store ? " (sold at " + r.saleStore + ")" : "") : "no receipt")
                + (r.customer ? " · customer " + r.customer : "") + " · " + r.type + " · opened " + when(r.requestedAt.millis) + " at " + r.store;
              const grades = new Map(view.grades.map((g) => [g.line, g.grade]));
              const disposed = new Map(view.dispositions.map((d) => [d.line, Object.keys(d.disposition)[0]]));
              $("return-lines").replaceChildren(el("table", {},
                el("tr", {}, ...["line", "SKU", "units", "unit refund", "reason", "condition", "grade", "disposition"].map((h, i) => el("th", i === 2 || i === 3 ? { class: "num" } : {}, h))),
                ...r.lines.map((l) => el("tr", {}, el("td", {}, l.line), el("td", {}, l.sku), el("td", { class: "num" }, l.quantity),
                  el("td", { class: "num" }, money(l.unitRefund)), el("td", {}, l.reason), el("td", {}, l.condition),
                  el("td", {}, grades.get(l.line) || ""), el("td", {}, disposed.get(l.line) || "")))));
              const gross = r.lines.reduce((n, l) => n + l.quantity * l.unitRefund.minor, 0);
              // Each tender with what went back on it: the customer's card, the till's cash, a transfer.
              const paid = view.refunds.map((f) => "refunded " + money({ currency: f.gross.currency, minor: f.gross.minor - f.restockingFee.minor }) + ": "
                + f.allocations.map((a) => money(a.amount) + " " + tenderName(a.tender) + (a.reference ? " (" + a.reference + ")" : "")).join(", "));
              const exchanged = view.exchanges.map((x) => "exchanged for " + x.outLines.map((o) => o.quantity + " × " + o.sku).join(", ")
                + (x.difference.minor === 0 ? ", no difference" : x.difference.minor > 0 ? ", customer paid " + money(x.difference) : ", customer got back " + money({ currency: x.difference.currency, minor: -x.difference.minor }))
                + " " + tenderName(x.settlementTender));
              $("return-money").replaceChildren(el("p", {}, "Value " + money({ currency: r.currency, minor: gross }) + (r.restockingFee.minor > 0 ? " · restocking fee " + money(r.restockingFee) : "")
                + [...paid, ...exchanged].map((t) => " · " + t).join("")));
              // Who did each step and when; the node and seq behind it are for integrators, not the desk.
              $("return-steps").replaceChildren(el("p", {}, view.steps.map((s) => s.status + " by " + s.staff + " at " + when(s.hlc.wall)).join(" → ")));
              showActions(view);
            }

            function step(action, body) {
              return guarded(async () => {
                showReturn(await call("POST", "/api/v1/returns/" + encodeURIComponent(currentReturn.id) + "/" + action, body));
                await loadLatest();
              });
            }

            function button(label, onClick, primary) {
              const b = el("button", { type: "button", class: primary ? "primary" : "" }, label);
              b.addEventListener("click", onClick);
              return b;
            }

            function showActions(view) {
              const box = $("actions");
              box.replaceChildren();
              const lines = view.request.lines;
              switch (view.status) {
                case "requested": {
                  const note = el("input", { placeholder: "approval note", size: "24" });
                  const reason = el("input", { placeholder: "why not", size: "24" });
                  box.append(el("div", { class: "row" }, note, button("Approve", () => step("approve", { note: note.value || undefined })(), true)),
                    el("div", { class: "row" }, reason, button("Reject", () => step("reject", { reason: reason.value })())));
                  break;
                }
                case "approved": {
                  box.append(el("div", { class: "row" }, el("span", {}, "When the goods are at the desk:"), button("Goods received", () => step("receive", {})(), true)));
                  break;
                }
                case "received": {
                  const pickers = lines.map((l) => { const s = select(GRADES, "a"); s.dataset.line = String(l.line); return s; });
                  box.append(el("table", {}, ...lines.map((l, i) => el("tr", {}, el("td", {}, "line " + l.line + " · " + l.sku + " × " + l.quantity), el("td", {}, pickers[i])))),
                    el("div", { class: "row" }, button("Record grades", () => step("inspect", {
                      grades: lines.map((l, i) => ({ line: l.line, grade: pickers[i].value, quantity: l.quantity })),
                    })(), true)));
                  break;
                }
                case "inspected": {
                  const rows = view.grades.map((g) => dispositionRow(g, lines.find((l) => l.line === g.line), view.request.currency));
                  box.append(el("table", {}, ...rows.map((r) => r.row)),
                    el("div", { class: "row" }, button("Record dispositions", guarded(async () => {
                      const dispositions = rows.map((r) => r.value());
                      await step("dispose", { dispositions })();
                    }), true)));
                  break;
                }
                case "disposed": {
                  const exchange = view.request.type === "exchange";
                  const method = select([["originalTender", "back on the original tender"], ["cash", "cash"], ["bankTransfer", "bank transfer"], ["storeCredit", "store credit"]], "originalTender");
                  // A bank transfer needs its reference, for finance to reconcile it.
                  const reference = el("input", { placeholder: "transfer reference", "data-role": "transfer-reference", hidden: "" });
                  method.addEventListener("change", () => { reference.hidden = method.value !== "bankTransfer"; });
                  const refundMethod = () => method.value === "bankTransfer" ? { bankTransfer: { reference: reference.value.trim() } } : method.value;
                  const refundRow = el("div", { class: "row" }, el("span", {}, "Refund"), method, reference, button("Refund", () => step("refund", { method: refundMethod() })(), !exchange));
                  // An exchange hands goods out; the difference (new goods minus what came back) is settled on a tender.
                  const sku = el("select", { "data-role": "exchange-sku" });
                  const quantity = el("input", { type: "number", min: "1", value: "1", "data-role": "exchange-quantity" });
                  const settlement = select(["card", "cash", "bankTransfer", "storeCredit"], "card");
                  const exchangeBody = () => ({ items: [{ sku: sku.value, quantity: Number(quantity.value) }], settlement: settlement.value });
                  // The difference before anything is done, from the node's own rules (the preview route).
                  const preview = el("span", { class: "muted", "data-role": "exchange-preview" });
                  const showPreview = async () => {
                    if (!sku.value || !(Number(quantity.value) > 0)) { preview.textContent = ""; return; }
                    try {
                      const x = await call("POST", "/api/v1/returns/" + encodeURIComponent(view.id) + "/exchange/preview", exchangeBody(), false);
                      preview.textContent = x.difference.minor === 0 ? "no difference to settle"
                        : x.difference.minor > 0 ? "the customer pays " + money(x.difference)
                        : "the customer gets back " + money({ currency: x.difference.currency, minor: -x.difference.minor });
                    } catch (error) { preview.textContent = String(error.message || error); }
                  };
                  for (const input of [sku, quantity, settlement]) input.addEventListener("change", showPreview);
                  const exchangeRow = el("div", { class: "row" }, el("span", {}, "Hand out"), quantity, sku, el("span", {}, "difference on"), settlement,
                    button("Exchange", () => step("exchange", exchangeBody())(), exchange), preview);
                  box.append(...(exchange ? [exchangeRow, refundRow] : [refundRow, exchangeRow]));
                  call("GET", "/api/v1/products").then((products) => {
                    for (const p of products) sku.append(el("option", { value: p.sku }, p.sku + " · " + p.name + " · " + money(p.unitPrice)));
                    const first = lines[0] && lines[0].sku;
                    if (first) sku.value = first;
                    return showPreview();
                  }).catch(showProblem);
                  break;
                }
                case "refunded":
                case "exchanged": {
                  box.append(el("div", { class: "row" }, button("Close the return", () => step("close")(), true)));
                  break;
                }
                default:
                  box.append(el("p", { class: "muted" }, view.status === "closed" ? "Closed." : "Rejected."));
              }
            }

            // The disposition inputs a grade calls for (A restock, B resale with disclosure, C repair,
            // D scrap, vendor defect back to the vendor).
            function dispositionRow(grade, line, currency) {
              const label = el("td", {}, "line " + grade.line + " · " + (line ? line.sku : "") + " × " + grade.quantity + " · grade " + grade.grade);
              const inputs = el("td", {});
              let value;
              switch (grade.grade) {
                case "a":
                  inputs.append("back to sellable stock");
                  value = () => ({ restock: {} });
                  break;
                case "b": {
                  const price = el("input", { placeholder: "resale price per unit", size: "12" });
                  const disclosure = el("input", { placeholder: "what the buyer is told", size: "28" });
                  inputs.append(price, " ", disclosure);
                  value = () => {
                    const minor = minorUnits(price.value, currency);
                    if (minor === null) throw new Error("Line " + grade.line + ": give the resale price, e.g. 19.90.");
                    if (!disclosure.value.trim()) throw new Error("Line " + grade.line + ": say what the buyer is told about the flaws.");
                    return { refurbish: { unitValue: { minor, currency }, disclosure: disclosure.value.trim() } };
                  };
                  break;
                }
                case "c": {
                  const technician = el("input", { placeholder: "technician", size: "16" });
                  inputs.append("repair order for ", technician);
                  value = () => {
                    if (!technician.value.trim()) throw new Error("Line " + grade.line + ": name the technician.");
                    return { repair: { order: "", technician: technician.value.trim() } };
                  };
                  break;
                }
                case "d": {
                  const reason = el("input", { placeholder: "why it is scrapped", size: "28" });
                  inputs.append(reason);
                  value = () => {
                    if (!reason.value.trim()) throw new Error("Line " + grade.line + ": give the reason for scrapping.");
                    return { scrap: { reason: reason.value.trim() } };
                  };
                  break;
                }
                default: {
                  const vendor = el("input", { placeholder: "vendor", size: "14" });
                  const rma = el("input", { placeholder: "RMA (optional)", size: "12" });
                  inputs.append(vendor, " ", rma);
                  value = () => {
                    if (!vendor.value.trim()) throw new Error("Line " + grade.line + ": name the vendor.");
                    return { returnToVendor: rma.value.trim() ? { vendor: vendor.value.trim(), rma: rma.value.trim() } : { vendor: vendor.value.trim() } };
                  };
                }
              }
              return { row: el("tr", {}, label, inputs), value: () => ({ line: grade.line, quantity: grade.quantity, disposition: value() }) };
            }

            async function openReturn(id) { showReturn(await call("GET", "/api/v1/returns/" + encodeURIComponent(id))); }

            async function loadLatest() {
              const returns = await call("GET", "/api/v1/returns?limit=20");
              if (returns.length === 0) { $("latest-list").replaceChildren(el("p", { class: "muted" }, "None yet.")); return; }
              $("latest-list").replaceChildren(el("table", {},
                el("tr", {}, ...["return", "receipt", "customer", "opened", "status", ""].map((h) => el("th", {}, h))),
                ...returns.map((v) => el("tr", {}, el("td", {}, v.id), el("td", {}, v.request.sale || "no receipt"), el("td", {}, v.request.customer || ""),
                  el("td", {}, when(v.request.requestedAt.millis)), el("td", {}, v.status),
                  el("td", {}, button("Open", guarded(() => openReturn(v.id))))))));
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
              $("search").addEventListener("click", guarded(search));
              $("no-receipt").addEventListener("click", guarded(openReceiptless));
              $("add-line").addEventListener("click", guarded(async () => addReceiptlessLine()));
              $("customer").addEventListener("change", guarded(() => showCustomer($("customer").value.trim())));
              for (const id of ["receipt", "phone", "serial"]) $(id).addEventListener("keydown", (e) => { if (e.key === "Enter") $("search").click(); });
              $("check").addEventListener("click", guarded(check));
              $("record").addEventListener("click", guarded(record));
              $("print").addEventListener("click", () => window.print());
              guarded(async () => {
                const health = await call("GET", "/healthz");
                $("whoami").textContent = "store " + health.store + " · node " + health.node + " · " + health.outbox + " change(s) waiting for the hub";
                await showLink(health);
                setInterval(async () => { try { await showLink(await call("GET", "/healthz")); } catch (_) {} }, 15000);
                await loadLatest();
                // An address like /desk#receipt=R-1 opens that sale at once, /desk#return=RT-… that return
                // (for a link or a code printed on a receipt or a slip).
                const wanted = new URLSearchParams(location.hash.slice(1));
                if (wanted.get("receipt")) { $("receipt").value = wanted.get("receipt"); await search(); }
                if (wanted.get("return")) await openReturn(wanted.get("return"));
                document.body.dataset.loaded = String(Date.now());
              })();
            });
            """#
}
