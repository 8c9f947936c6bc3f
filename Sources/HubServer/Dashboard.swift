import HTTPSupport
import Hummingbird
package import Localization

/// Head office's dashboard: one page, its script and its style, served without a credential because
/// they hold no data. The script asks for a head-office token (or takes it from the address's
/// `#token=` fragment, which browsers never send to the server), keeps it for the browser tab only
/// (`sessionStorage`) and reads everything through `/api/v1/*` with it, as any API client does.
/// The page comes in the language the request asks for (`LocalizedPage.language(of:)`).
extension HubRoutes {
    func addDashboardRoutes(to router: Router<HubRequestContext>) {
        router.get("dashboard") { request, _ in Dashboard.localized.response(to: request) }
        router.get("dashboard.js") { _, _ in WebPage.response(Dashboard.script, contentType: WebPage.javascript) }
        router.get("dashboard.css") { _, _ in WebPage.response(Dashboard.style, contentType: WebPage.css) }
    }
}

/// The page is `Resources/dashboard.mustache` rendered once per language with that language's
/// catalog (`LocalizedPage`); the script (`Resources/dashboard.js`) reads the words it needs from
/// the page and shows the API's codes (statuses, reasons, stock locations, tenders, exceptions,
/// abuse signals) in words, with the code itself where support may need it.
package enum Dashboard {
    /// The page in `language`.
    package static func page(_ language: Language) -> String { localized.page(language) }

    /// The catalog groups the page and its script read.
    static let wordGroups = [
        "dashboard", "status", "reason", "code", "location", "tender", "hqRole", "condition", "decision",
    ]

    static let localized = LocalizedPage(
        template: PackageResources.dashboard_mustache, name: "Resources/dashboard.mustache", wordGroups: wordGroups)

    static let script = WebPage.helpers + String(decoding: PackageResources.dashboard_js, as: UTF8.self)
    static let style = WebPage.baseStyle + String(decoding: PackageResources.dashboard_css, as: UTF8.self)
}
