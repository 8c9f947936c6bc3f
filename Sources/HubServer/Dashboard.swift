import HTTPSupport
import Hummingbird

/// Head office's dashboard: one page and its script, served without a credential because they hold
/// no data. The script asks for a head-office token (or takes it from the address's `#token=`
/// fragment, which browsers never send to the server), keeps it for the browser tab only
/// (`sessionStorage`) and reads everything through `/api/v1/*` with it, as any API client does.
extension HubRoutes {
    func addDashboardRoutes(to router: Router<HubRequestContext>) {
        router.get("dashboard") { _, _ in
            WebPage.response(Dashboard.page, contentType: WebPage.html)
        }
        router.get("dashboard.js") { _, _ in
            WebPage.response(Dashboard.script, contentType: WebPage.javascript)
        }
    }
}

enum Dashboard {
    static let page = WebPage.document(
        title: "ReturnSync — head office", script: "/dashboard.js",
        style: """
              header label { color: #fff; }
              header button { color: #1b2a41; background: #fff; border: 0; border-radius: 4px; padding: .3rem .7rem; font: inherit; cursor: pointer; }
              main { padding: 1rem 1.25rem; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); }
              section.wide { grid-column: 1 / -1; }
              h2 { font-size: 1rem; margin: 0 0 .5rem; display: flex; gap: .5rem; align-items: baseline; }
              h2 .count { color: var(--muted); font-weight: normal; font-size: .9rem; }
              .empty { color: var(--muted); font-style: italic; }
              .warn { color: var(--warn); font-weight: 600; }
              .bad { color: var(--bad); font-weight: 600; }
              .ok { color: var(--ok); }
              #signin { max-width: 30rem; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1.25rem; }
              #signin input { width: 100%; box-sizing: border-box; padding: .4rem; margin: .5rem 0; font-family: monospace; }
              .filters { display: flex; gap: .5rem; margin-bottom: .5rem; flex-wrap: wrap; }
              .charts { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); }
              figure { margin: 0; }
              figcaption { color: var(--muted); font-size: .85rem; margin-bottom: .25rem; }
              svg.bars { width: 100%; height: auto; }
              svg.bars rect { fill: #3b5b8c; }
              svg.bars text { font: 11px system-ui, sans-serif; fill: #1b1e23; }
            """,
        body: """
            <header>
              <h1>ReturnSync — head office</h1>
              <span id="asof"></span>
              <span class="spacer"></span>
              <button id="refresh" type="button" hidden>Refresh</button>
              <label hidden id="autolabel"><input type="checkbox" id="auto" checked> every 30 s</label>
              <button id="journal" type="button" hidden>Journal (CSV)</button>
              <button id="signout" type="button" hidden>Sign out</button>
            </header>
            <div id="problem" role="alert" hidden></div>
            <div id="signin" hidden>
              <h2>Sign in</h2>
              <p>Paste a head-office token (<code>returnsync hub enroll --role headOffice</code>). It is kept
              for this browser tab only.</p>
              <input id="token" type="password" autocomplete="off" aria-label="token">
              <button id="go" type="button">Open the dashboard</button>
            </div>
            <main id="board" hidden>
              <section class="wide" id="sync"><h2>Sync health <span class="count"></span></h2><div class="body"></div></section>
              <section class="wide" id="exceptions"><h2>Exceptions to review <span class="count"></span></h2><div class="body"></div></section>
              <section class="wide" id="trends"><h2>Trends by month</h2>
                <div class="charts"><figure id="trend-rate"><figcaption>Return rate (units returned / sold)</figcaption></figure>
                <figure id="trend-cost"><figcaption>Cost of returns</figcaption></figure></div></section>
              <section id="rates"><h2>Return rate by store <span class="count"></span></h2><div class="body"></div></section>
              <section id="top"><h2>Most returned items <span class="count"></span></h2><div class="body"></div></section>
              <section id="signals"><h2>Customers with abuse signals <span class="count"></span></h2><div class="body"></div></section>
              <section id="lowstock"><h2>Low stock <span class="count"></span></h2><div class="body"></div></section>
              <section class="wide" id="returns"><h2>Latest returns <span class="count"></span></h2>
                <div class="filters">
                  <label>Store <input id="returns-store" size="10"></label>
                  <label>Status <select id="returns-status">
                    <option value="">any</option><option>requested</option><option>approved</option><option>rejected</option>
                    <option>received</option><option>inspected</option><option>disposed</option><option>refunded</option>
                    <option>exchanged</option><option>closed</option></select></label>
                </div><div class="body"></div></section>
              <section class="wide" id="stock"><h2>Consolidated stock <span class="count"></span></h2>
                <div class="filters">
                  <label>SKU <input id="stock-sku" size="12"></label>
                  <label>Store <input id="stock-store" size="10"></label>
                </div><div class="body"></div></section>
              <section id="claims"><h2>Escrow claims outstanding <span class="count"></span></h2><div class="body"></div></section>
              <section id="incidents"><h2>Sync incidents <span class="count"></span></h2><div class="body"></div></section>
            </main>
            """)

    static let script =
        WebPage.helpers + #"""
            // ReturnSync head-office dashboard. Every figure comes from the hub's API (Protocol/openapi.yaml)
            // with the head-office token; nothing here is computed that the API does not answer.
            const TOKEN_KEY = "returnsync.hub.token";
            let timer = null;

            function token() { return sessionStorage.getItem(TOKEN_KEY); }

            async function api(path) {
              const response = await fetch(path, { headers: { Authorization: "Bearer " + token(), Accept: "application/json" } });
              if (!response.ok) throw await problemError(response);
              return response;
            }
            async function json(path) { return (await api(path)).json(); }

            const percent = (basisPoints) => basisPoints == null ? "–" : (basisPoints / 100).toFixed(1) + " %";
            function ago(millis) {
              if (!millis) return "never";
              const minutes = Math.round((Date.now() - millis) / 60000);
              if (minutes < 1) return "just now";
              if (minutes < 120) return minutes + " min ago";
              const hours = Math.round(minutes / 60);
              return hours < 48 ? hours + " h ago" : Math.round(hours / 24) + " days ago";
            }

            // Fills section `id` with a table of `rows` (or says there are none).
            function table(id, columns, rows, limit) {
              const section = $(id);
              section.querySelector(".count").textContent = "(" + rows.length + ")";
              const body = section.querySelector(".body");
              body.replaceChildren();
              if (rows.length === 0) { body.append(el("p", { class: "empty" }, "None.")); return; }
              const head = el("tr", {}, ...columns.map((c) => el("th", c.num ? { class: "num" } : {}, c.title)));
              const shown = limit ? rows.slice(0, limit) : rows;
              const lines = shown.map((row) => el("tr", {}, ...columns.map((c) => {
                const value = c.value(row);
                const cell = el("td", { class: [c.num ? "num" : "", c.tone ? c.tone(row) : ""].join(" ").trim() });
                cell.append(value instanceof Node ? value : document.createTextNode(value == null ? "" : String(value)));
                return cell;
              })));
              body.append(el("table", {}, el("thead", {}, head), el("tbody", {}, ...lines)));
              if (shown.length < rows.length) body.append(el("p", { class: "empty" }, "First " + shown.length + " of " + rows.length + "; narrow the filter to see the rest."));
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
                { title: "node", value: (n) => n.node },
                { title: "store", value: (n) => n.store || "" },
                { title: "role", value: (n) => n.role },
                { title: "last push", value: (n) => ago(n.lastPushAt) },
                { title: "last pull", value: (n) => ago(n.lastPullAt) },
                { title: "events behind", num: true, value: (n) => pulls(n) ? n.lag : "— (does not pull)", tone: (n) => !pulls(n) ? "" : n.lag > 1000 ? "bad" : n.lag > 0 ? "warn" : "ok" },
                { title: "", value: (n) => n.revoked ? "revoked" : "", tone: () => "bad" },
              ], nodes);
            }

            async function loadExceptions() {
              const [open, resolutions] = await Promise.all([json("/api/v1/exceptions"), json("/api/v1/exceptions/resolutions")]);
              const resolved = new Map(resolutions.map((r) => [r.id, r]));
              const rows = open.map((e) => ({ ...e, resolution: resolved.get(e.id) }));
              rows.sort((a, b) => (!!a.resolution - !!b.resolution) || (a.severity === b.severity ? 0 : a.severity === "review" ? -1 : 1));
              table("exceptions", [
                { title: "code", value: (e) => e.code, tone: (e) => e.resolution ? "" : e.severity === "review" ? "bad" : "" },
                { title: "record", value: (e) => e.record },
                { title: "what", value: (e) => e.message },
                { title: "events", value: (e) => e.dots.map((d) => d.node + ":" + d.seq).join(", ") },
                { title: "resolution", value: (e) => e.resolution ? e.resolution.note + " (" + e.resolution.resolvedBy + ", " + when(e.resolution.resolvedAt) + ")" : resolveButton(e) },
              ], rows);
            }

            function resolveButton(exception) {
              const button = el("button", { type: "button" }, "Resolve…");
              button.addEventListener("click", async () => {
                const note = window.prompt("What was done about " + exception.code + " on " + exception.record + "?");
                if (!note || !note.trim()) return;
                try {
                  await fetch("/api/v1/exceptions/resolve", {
                    method: "POST",
                    headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
                    body: JSON.stringify({ id: exception.id, note: note.trim() }),
                  }).then(async (r) => { if (!r.ok) throw await problemError(r); });
                  await loadExceptions();
                } catch (error) { showProblem(error); }
              });
              return button;
            }

            // A bar chart in SVG, one bar per item ({label, value, text}), the last twelve at most.
            function bars(figureId, items) {
              const figure = $(figureId);
              for (const old of figure.querySelectorAll("svg, p")) old.remove();
              const shown = items.slice(-12);
              if (shown.length === 0) { figure.append(el("p", { class: "empty" }, "No sales yet.")); return; }
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
              bars("trend-rate", periods.map((p) => ({ label: p.key, value: p.rateBasisPoints || 0, text: percent(p.rateBasisPoints) })));
              // One currency per chart: the chain's main one (a chain in several shows the first; the rest is in the API).
              const currency = (report.costByPeriod || [])[0] && report.costByPeriod[0].currency;
              const costs = (report.costByPeriod || []).filter((c) => c.currency === currency).sort((a, b) => a.key.localeCompare(b.key));
              bars("trend-cost", costs.map((c) => ({ label: c.key, value: c.total.minor, text: money(c.total) })));
              table("rates", [
                { title: "store", value: (r) => r.store },
                { title: "sold", num: true, value: (r) => r.soldUnits },
                { title: "returned", num: true, value: (r) => r.returnedUnits },
                { title: "rate", num: true, value: (r) => percent(r.rateBasisPoints) },
                { title: "taken in for others", num: true, value: (r) => r.takenInForOtherStores },
              ], report.ratesByStore || []);
              table("top", [
                { title: "SKU", value: (r) => r.sku },
                { title: "item", value: (r) => r.name },
                { title: "returned", num: true, value: (r) => r.returnedUnits },
                { title: "sold", num: true, value: (r) => r.soldUnits },
                { title: "rate", num: true, value: (r) => percent(r.rateBasisPoints) },
              ], report.topReturned || [], 20);
              table("signals", [
                { title: "customer", value: (c) => c.customer },
                { title: "signals", value: (c) => c.signals.join(", "), tone: () => "warn" },
                { title: "returns in 90 days", num: true, value: (c) => c.returnsLast90Days },
                { title: "return ratio", num: true, value: (c) => percent(c.returnRatioBasisPoints) },
              ], (report.customers || []).filter((c) => c.signals && c.signals.length > 0));
              table("lowstock", [
                { title: "store", value: (r) => r.store },
                { title: "SKU", value: (r) => r.sku },
                { title: "sellable", num: true, value: (r) => r.sellable, tone: () => "warn" },
                { title: "reorder point", num: true, value: (r) => r.minimum },
                { title: "short", num: true, value: (r) => r.shortfall },
              ], report.lowStock || []);
            }

            async function loadReturns() {
              const query = new URLSearchParams({ limit: "100" });
              if ($("returns-store").value.trim()) query.set("store", $("returns-store").value.trim());
              if ($("returns-status").value) query.set("status", $("returns-status").value);
              const returns = await json("/api/v1/returns?" + query);
              table("returns", [
                { title: "return", value: (r) => r.request.id },
                { title: "store", value: (r) => r.request.store },
                { title: "sale", value: (r) => r.request.sale ? r.request.sale + (r.request.saleStore && r.request.saleStore !== r.request.store ? " (" + r.request.saleStore + ")" : "") : "no receipt" },
                { title: "customer", value: (r) => r.request.customer || "" },
                { title: "requested", value: (r) => when(r.request.requestedAt && r.request.requestedAt.millis) },
                { title: "status", value: (r) => r.status },
                { title: "units", num: true, value: (r) => r.request.lines.reduce((n, l) => n + l.quantity, 0) },
                { title: "value", num: true, value: (r) => money({ currency: r.request.currency, minor: r.request.lines.reduce((n, l) => n + l.quantity * l.unitRefund.minor, 0) }) },
              ], returns);
            }

            async function loadStock() {
              const query = new URLSearchParams();
              if ($("stock-sku").value.trim()) query.set("sku", $("stock-sku").value.trim());
              if ($("stock-store").value.trim()) query.set("store", $("stock-store").value.trim());
              const rows = await json("/api/v1/stock" + (query.toString() ? "?" + query : ""));
              table("stock", [
                { title: "SKU", value: (r) => r.sku },
                { title: "store", value: (r) => r.store },
                { title: "location", value: (r) => r.location },
                { title: "quantity", num: true, value: (r) => r.quantity, tone: (r) => r.quantity < 0 ? "bad" : "" },
              ], rows, 500);
            }

            async function loadClaims() {
              const claims = await json("/api/v1/escrow/claims");
              table("claims", [
                { title: "claim", value: (c) => c.claim },
                { title: "sale", value: (c) => c.sale + " (" + c.holder + ")" },
                { title: "lines", value: (c) => c.lines.map((l) => "line " + l.line + " × " + l.quantity).join(", ") },
                { title: "expires", value: (c) => when(c.expiresAt) },
              ], claims);
            }

            async function loadIncidents() {
              const incidents = await json("/api/v1/incidents");
              table("incidents", [
                { title: "node", value: (i) => i.node },
                { title: "code", value: (i) => i.code, tone: () => "bad" },
                { title: "times", num: true, value: (i) => i.occurrences },
                { title: "last seen", value: (i) => when(i.lastSeenAt) },
              ], incidents);
            }

            function showProblem(error) {
              const box = $("problem");
              box.textContent = String(error.message || error);
              box.hidden = false;
            }

            async function refresh() {
              $("problem").hidden = true;
              const results = await Promise.allSettled([loadSync(), loadExceptions(), loadAnalytics(), loadReturns(), loadStock(), loadClaims(), loadIncidents()]);
              const failed = results.filter((r) => r.status === "rejected").map((r) => r.reason);
              if (failed.some((e) => e.status === 401 || e.status === 403)) { signOut(); showProblem(failed[0]); return; }
              if (failed.length) showProblem(failed[0]);
              $("asof").textContent = "as of " + new Date().toLocaleTimeString();
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

            function signOut() {
              sessionStorage.removeItem(TOKEN_KEY);
              if (timer) clearInterval(timer);
              timer = null;
              show(false);
            }

            function show(signedIn) {
              $("signin").hidden = signedIn;
              $("board").hidden = !signedIn;
              for (const id of ["refresh", "autolabel", "journal", "signout"]) $(id).hidden = !signedIn;
            }

            function start() {
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
              $("refresh").addEventListener("click", refresh);
              $("journal").addEventListener("click", downloadJournal);
              $("signout").addEventListener("click", signOut);
              for (const id of ["returns-store", "returns-status"]) $(id).addEventListener("change", () => loadReturns().catch(showProblem));
              for (const id of ["stock-sku", "stock-store"]) $(id).addEventListener("change", () => loadStock().catch(showProblem));
              if (token()) start(); else show(false);
            });
            """#
}
