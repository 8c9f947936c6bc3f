import Foundation
import HTTPSupport
import Hummingbird
package import Localization

extension NodeRoutes {
    /// `GET /desk`, `GET /desk.js` and `GET /desk.css`: the return desk's web page. It holds no
    /// data and calls the node's own `/api/v1/*` routes, as the POS does, with the staff member's
    /// name in `X-Staff`. The page comes in the language the request asks for (`LocalizedPage.language(of:)`).
    func addDeskRoutes(to router: Router<BasicRequestContext>) {
        router.get("desk") { request, _ in DeskPage.localized.response(to: request) }
        router.get("desk.js") { _, _ in WebPage.response(DeskPage.script, contentType: WebPage.javascript) }
        router.get("desk.css") { _, _ in WebPage.response(DeskPage.style, contentType: WebPage.css) }
    }
}

/// The page staff at the return desk work in: find the sale (receipt, phone or serial), check the
/// policy, record the return, then take it through approval, receipt, grading, disposition, refund
/// or exchange and closing, and print the slip. Everything it shows comes from the node's API, so
/// it works with the network to head office unplugged.
///
/// The page is `Resources/desk.mustache` rendered once per language with that language's catalog
/// (`LocalizedPage`); the script (`Resources/desk.js`) reads the words it needs from the page.
package enum DeskPage {
    /// The page in `language`.
    package static func page(_ language: Language) -> String { localized.page(language) }

    /// The catalog groups the page and its script read.
    static let wordGroups = [
        "desk", "type", "reason", "condition", "grade", "gradeName", "disposition", "status", "tender",
        "refundMethod", "decision", "code", "role", "location", "repairStatus", "adjustReason", "method",
    ]

    static let localized = LocalizedPage(
        template: PackageResources.desk_mustache, name: "Resources/desk.mustache", wordGroups: wordGroups)

    static let script = WebPage.helpers + String(decoding: PackageResources.desk_js, as: UTF8.self)
    static let style = WebPage.baseStyle + String(decoding: PackageResources.desk_css, as: UTF8.self)
}
