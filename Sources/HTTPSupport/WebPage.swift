public import Hummingbird

/// A page or script of the servers' own web pages (the hub's dashboard, the node's desk): served
/// without a credential, since they hold no data, under a Content-Security-Policy that lets the
/// page run only its own script and talk only to the server that served it, never framed.
public enum WebPage {
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    public static func response(_ text: String, contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .cacheControl: "no-store",
                .init("Content-Security-Policy")!: contentSecurityPolicy,
                .init("X-Content-Type-Options")!: "nosniff", .init("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: .init(string: text)))
    }

    public static let html = "text/html; charset=utf-8"

    /// The style both pages start from: colours, the header bar, sections, tables, the problem box.
    public static let baseStyle = """
          :root { --line: #d8dbe0; --muted: #5f6670; --warn: #a15c00; --bad: #b3261e; --ok: #1e7a34; --accent: #1b2a41; }
          body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1e23; background: #f6f7f9; }
          header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1.25rem; background: var(--accent); color: #fff; flex-wrap: wrap; }
          header h1 { font-size: 1.1rem; margin: 0; font-weight: 600; }
          header .spacer { flex: 1; }
          section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; overflow-x: auto; }
          h2 { font-size: 1rem; margin: 0 0 .5rem; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
          th { font-weight: 600; color: var(--muted); font-size: .85rem; }
          td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
          #problem { margin: 1rem 1.25rem 0; padding: .5rem .75rem; border: 1px solid var(--bad); background: #fdecea; border-radius: 6px; }
          [hidden] { display: none !important; }

        """
    public static let javascript = "text/javascript; charset=utf-8"
    public static let css = "text/css; charset=utf-8"
}

extension WebPage {
    /// Script helpers both pages start with: element lookup and building, money and dates.
    public static let helpers = #"""
        "use strict";
        const $ = (id) => document.getElementById(id);

        // An element with attributes and children (text for anything that is not a node: never HTML).
        function el(tag, attributes, ...children) {
          const node = document.createElement(tag);
          for (const [k, v] of Object.entries(attributes || {})) {
            if (k === "class") node.className = v; else node.setAttribute(k, v);
          }
          for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
          return node;
        }

        // Money is integer minor units with a currency; the currency's own number of decimals
        // comes from the browser's Intl data (JPY has none, EUR two, KWD three).
        function money(m) {
          if (!m) return "";
          const format = new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "currency", currency: m.currency });
          const digits = format.resolvedOptions().maximumFractionDigits;
          return format.format(m.minor / Math.pow(10, digits));
        }
        // A decimal amount typed by a person, as minor units of `currency` (no floating point on the way).
        function minorUnits(text, currency) {
          const digits = new Intl.NumberFormat(undefined, { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
          const match = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text || "");
          if (!match) return null;
          const fraction = (match[2] || "").padEnd(digits, "0");
          if (fraction.length > digits) return null;
          return Number(match[1]) * Math.pow(10, digits) + Number(fraction || "0");
        }
        const when = (millis) => millis ? new Date(millis).toLocaleString(document.documentElement.lang || undefined) : "—";

        // An answer's problem (RFC 9457) as an Error: "code: detail", with the problem's title
        // (in the language the request asked for), detail and code kept apart for pages that show them so.
        async function problemError(response) {
          let problem = { title: response.statusText, detail: "", code: "" };
          try { problem = await response.json(); } catch (_) {}
          const error = new Error((problem.code ? problem.code + ": " : "") + (problem.detail || problem.title || response.status));
          error.status = response.status;
          error.code = problem.code;
          error.title = problem.title;
          error.detail = problem.detail;
          return error;
        }

        """#
}
