import Foundation
public import Hummingbird
public import Localization
import Mustache

/// A web page of the servers' own (the node's desk, the hub's dashboard) in every language: a
/// mustache template rendered once per language with that language's catalog (swift-mustache).
/// The template reads its words as dotted names (`{{t.desk.find.title}}`), its script reads
/// them from the page (`{{{words}}}` in a `<script type="application/json" id="words">`), and
/// the language switch is `{{#languages}}…{{/languages}}` (`tag`, `name`, `selected`).
public struct LocalizedPage: Sendable {
    /// The cookie that keeps a browser's choice of language (both pages share it).
    public static let languageCookie = "returnsync_lang"

    /// The page in each language.
    public let pages: [Language: String]

    /// `template` (the bytes of `name`, for the message if it does not parse) rendered with the
    /// catalog groups `wordGroups` of each language.
    public init(template: [UInt8], name: String, wordGroups: [String]) {
        let parsed: MustacheTemplate
        do {
            parsed = try MustacheTemplate(string: String(decoding: template, as: UTF8.self))
        } catch {
            // The template is part of the build and rendered by the tests; a broken one is a build defect.
            preconditionFailure("\(name) does not parse: \(error)")
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
            pages[language] = parsed.render(context)
        }
        self.pages = pages
    }

    /// The page in `language`.
    public func page(_ language: Language) -> String { pages[language] ?? "" }

    /// The language of a request for a page: `?lang=`, then the cookie the switch left, then
    /// `Accept-Language`, then English.
    public static func language(of request: Request) -> Language {
        let explicit = request.uri.queryParameters["lang"].map(String.init) ?? request.cookies[languageCookie]?.value
        return Language.choose(explicit: explicit, acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The page in the language `request` asks for, under the pages' policy (``WebPage/response(_:contentType:)``),
    /// saying its language; a language picked with the switch (`?lang=`) is remembered for this browser.
    public func response(to request: Request) -> Response {
        let language = Self.language(of: request)
        var response = WebPage.response(page(language), contentType: WebPage.html)
        response.headers[.contentLanguage] = language.tag
        response.headers[.vary] = "Accept-Language, Cookie"
        if request.uri.queryParameters["lang"] != nil {
            response.setCookie(
                Cookie(
                    name: Self.languageCookie, value: language.tag, maxAge: 365 * 24 * 3600, path: "/",
                    httpOnly: true, sameSite: .strict))
        }
        return response
    }
}
