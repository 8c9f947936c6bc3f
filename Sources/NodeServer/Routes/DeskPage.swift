import Foundation
import HTTPSupport
import Hummingbird
package import Localization
import Mustache

extension NodeRoutes {
    /// `GET /desk`, `GET /desk.js` and `GET /desk.css`: the return desk's web page. It holds no
    /// data and calls the node's own `/api/v1/*` routes, as the POS does, with the staff member's
    /// name in `X-Staff`. The page comes in the language the request asks for (``DeskPage/language(of:)``).
    func addDeskRoutes(to router: Router<BasicRequestContext>) {
        router.get("desk") { request, _ in
            let language = DeskPage.language(of: request)
            var response = WebPage.response(DeskPage.page(language), contentType: WebPage.html)
            response.headers[.contentLanguage] = language.tag
            response.headers[.vary] = "Accept-Language, Cookie"
            // A language picked with the switch (`?lang=`) is remembered for this browser.
            if request.uri.queryParameters["lang"] != nil {
                response.setCookie(
                    Cookie(
                        name: DeskPage.languageCookie, value: language.tag, maxAge: 365 * 24 * 3600, path: "/",
                        httpOnly: true, sameSite: .strict))
            }
            return response
        }
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
/// (swift-mustache); the script (`Resources/desk.js`) reads the words it needs from the page.
package enum DeskPage {
    /// The cookie that keeps a browser's choice of language.
    static let languageCookie = "returnsync_lang"

    /// The language of a request for the page: `?lang=`, then the cookie the switch left, then
    /// `Accept-Language`, then English.
    static func language(of request: Request) -> Language {
        let explicit = request.uri.queryParameters["lang"].map(String.init) ?? request.cookies[languageCookie]?.value
        return Language.choose(explicit: explicit, acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The page in `language`.
    package static func page(_ language: Language) -> String { pages[language] ?? "" }

    /// The catalog groups the page and its script read.
    static let wordGroups = [
        "desk", "type", "reason", "condition", "grade", "gradeName", "disposition", "status", "tender",
        "refundMethod", "decision", "code", "role", "location", "repairStatus", "adjustReason", "method",
    ]

    static let pages: [Language: String] = {
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: String(decoding: PackageResources.desk_mustache, as: UTF8.self))
        } catch {
            // The template is part of the build and rendered by the tests; a broken one is a build defect.
            preconditionFailure("Resources/desk.mustache does not parse: \(error)")
        }
        var pages: [Language: String] = [:]
        for language in Language.allCases {
            let catalog = Catalog.of(language)
            let context: [String: Any] = [
                "lang": language.tag, "t": catalog.tree(prefixes: wordGroups),
                "words": catalog.json(prefixes: wordGroups),
                "languages": Language.allCases.map { other in
                    ["tag": other.tag, "name": catalog.text("language.\(other.tag)"), "selected": other == language]
                },
            ]
            pages[language] = template.render(context)
        }
        return pages
    }()

    static let script = WebPage.helpers + String(decoding: PackageResources.desk_js, as: UTF8.self)
    static let style = WebPage.baseStyle + String(decoding: PackageResources.desk_css, as: UTF8.self)
}
