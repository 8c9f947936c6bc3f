import HTTPSupport
import Hummingbird
import Localization
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// The credit notes of refunds (``CreditNote``): a return's list, as JSON, and one note by its
    /// number, as a printable A4 page in the language asked for (`?lang=`, then `Accept-Language`)
    /// or, with `Accept: application/json`, as JSON.
    func addCreditNoteRoutes(to api: Group) {
        api.get("returns/:id/credit-notes") { _, context in
            try JSONCoding.response(try await service.creditNotes(of: ReturnID(try context.pathID())))
        }
        api.get("credit-notes/:number") { request, context in
            let note = try await service.creditNote(try context.pathID("number"))
            if request.headers[.accept]?.contains("application/json") == true {
                return try JSONCoding.response(note)
            }
            let language = LocalizedPage.language(of: request)
            var response = WebPage.response(CreditNotePage.html(note, language: language), contentType: WebPage.html)
            response.headers[.contentLanguage] = language.tag
            response.headers[.vary] = "Accept, Accept-Language, Cookie"
            return response
        }
    }
}
