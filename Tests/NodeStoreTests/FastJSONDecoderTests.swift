import Foundation
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// `FastJSONDecoder` gives what `JSONDecoder` gives.
@Suite struct FastJSONDecoderTests {
    @Test("every event a node records decodes to the same value as with JSONDecoder")
    func eventsOfAWorkingDay() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        try await f.service.registerCustomer(Customer(id: "C-1", name: "Zoë \"Z\" O'Brien\n\t\\ 東京 🎉", phone: nil, email: "z@example.com"), staff: f.staff)
        _ = try await f.service.recordSale(f.sale("R-1", quantity: 3), staff: f.staff)
        let view = try await f.service.createReturn(
            CreateReturnCommand(sale: "R-1", lines: [RequestedLine(saleLine: 1, quantity: 2, reason: .defective, condition: .openedComplete)]),
            staff: f.staff)
        _ = try await f.service.advance(view.id, .receive(trackingNumber: nil), staff: f.staff)
        _ = try await f.service.advance(view.id, .inspect(grades: [LineGrade(line: 1, grade: .b, quantity: 2)]), staff: f.staff)
        _ = try await f.service.advance(
            view.id, .dispose(dispositions: [LineDisposition(line: 1, quantity: 2, disposition: .refurbish(unitValue: Money(1_000, NodeFixture.eur), disclosure: "scratch"))]),
            staff: f.staff)
        _ = try await f.service.advance(view.id, .refund(method: .storeCredit(customer: nil)), staff: f.staff)
        let events = try await f.service.read { try $0.allEvents() }
        #expect(events.count > 10)
        for event in events {
            for data in [try JSONEncoder().encode(event), try StreamingJSONEncoder.encode(event)] {
                let fast = try FastJSONDecoder.decode(Event.self, from: data)
                #expect(fast == (try JSONDecoder().decode(Event.self, from: data)), "\(event.dot) \(event.payload.kind)")
            }
        }
    }

    struct Sample: Codable, Equatable {
        var text: String
        var escaped: String
        var optional: Int?
        var missing: String?
        var negative: Int64
        var big: UInt64
        var ratio: Double
        var flags: [Bool]
        var nested: [String: [Int]]
        var empty: [String: Int]
        var none: [Int]
    }

    @Test("escapes, unicode, numbers, nulls, empty containers, whitespace")
    func edgeCases() throws {
        let json = """
             { "text" : "plain", "escaped": "q\\"b\\\\s\\/n\\nt\\tu\\u00e9\\ud83c\\udf89",
              "optional": null, "negative": -9223372036854775808, "big": 18446744073709551615,
              "ratio": -1.5e3, "flags": [true, false], "nested": {"a": [1, 2], "b": []}, "empty": {}, "none": [] }
            """
        let data = Data(json.utf8)
        let fast = try FastJSONDecoder.decode(Sample.self, from: data)
        #expect(fast == (try JSONDecoder().decode(Sample.self, from: data)))
        #expect(fast.escaped == "q\"b\\s/n\nt\tué🎉")
    }

    @Test("malformed JSON and wrong types are refused")
    func refusals() {
        for text in ["", "{", "{\"text\": }", "[1, 2", "{\"a\" 1}", "nul", "{} x"] {
            #expect(throws: (any Error).self, "\(text)") { try FastJSONDecoder.decode([String: Int].self, from: Data(text.utf8)) }
        }
        #expect(throws: (any Error).self) { try FastJSONDecoder.decode([String: Int].self, from: Data("{\"a\": \"1\"}".utf8)) }
        #expect(throws: (any Error).self) { try FastJSONDecoder.decode([UInt8].self, from: Data("[256]".utf8)) }
        #expect(throws: (any Error).self) { try FastJSONDecoder.decode(Sample.self, from: Data("{\"text\": \"x\"}".utf8)) }
    }
}
