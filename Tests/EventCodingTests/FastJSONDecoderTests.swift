import Foundation
import Replication
import ReturnsDomain
import Testing

@testable import EventCoding

/// `FastJSONDecoder` gives what `JSONDecoder` gives.
@Suite struct FastJSONDecoderTests {
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
            #expect(throws: (any Error).self, "\(text)") {
                try FastJSONDecoder.decode([String: Int].self, from: Data(text.utf8))
            }
        }
        #expect(throws: (any Error).self) {
            try FastJSONDecoder.decode([String: Int].self, from: Data("{\"a\": \"1\"}".utf8))
        }
        #expect(throws: (any Error).self) { try FastJSONDecoder.decode([UInt8].self, from: Data("[256]".utf8)) }
        #expect(throws: (any Error).self) {
            try FastJSONDecoder.decode(Sample.self, from: Data("{\"text\": \"x\"}".utf8))
        }
    }
}
