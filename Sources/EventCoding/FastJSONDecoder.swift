import Foundation

/// A JSON decoder for `Decodable` values that parses the bytes once into a flat index of nodes
/// and decodes straight from it, without the intermediate values and boxing Foundation's
/// `JSONDecoder` builds (which made decoding an event about 50 µs on Linux, most of a snapshot
/// load's time). Standard JSON in, the same values out as `JSONDecoder` with default options gives
/// for the types of this project (no dates, no data, default key and number strategies);
/// `EventCodec.decodeEvent` falls back to `JSONDecoder` if it ever refuses something.
enum FastJSONDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { raw in
            // The index reads the bytes in place: it never outlives this call.
            let doc = try JSONIndex(
                UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: raw.count))
            return try T(from: IndexDecoder(doc: doc, node: 0, codingPath: []))
        }
    }
}

extension FastJSONDecoder {
    /// The bytes of `member` of every element of the array `array` of the top-level object, as
    /// they stand in `data` (`{"events": [{"event": {…}}, …]}` → each `{…}`); nil when the
    /// shape differs. Lets a node keep the JSON of pulled events instead of encoding them again.
    static func rawMembers(of data: Data, array: String, member: String) -> [Data]? {
        data.withUnsafeBytes { raw -> [Data]? in
            guard
                let doc = try? JSONIndex(
                    UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: raw.count)),
                doc.nodes.first?.kind == .object, let list = doc.member(0, array), doc.nodes[Int(list)].kind == .array
            else { return nil }
            var out: [Data] = []
            let count = doc.nodes[Int(list)].count
            out.reserveCapacity(Int(count))
            var element = list + 1
            for _ in 0..<count {
                guard doc.nodes[Int(element)].kind == .object, let value = doc.member(element, member) else {
                    return nil
                }
                let n = doc.nodes[Int(value)]
                let start = n.kind == .string ? Int(n.start) - 1 : Int(n.start)
                let end = n.kind == .string ? Int(n.end) + 1 : Int(n.end)
                out.append(Data(UnsafeRawBufferPointer(rebasing: raw[start..<end])))
                element = doc.nodes[Int(element)].next
            }
            return out
        }
    }
}

/// One JSON value in the index: its kind, its bytes, where its subtree ends.
struct JSONNode {
    enum Kind: UInt8 { case object, array, string, number, bool, null }
    var kind: Kind
    /// Strings: the content holds a backslash escape.
    var escaped: Bool
    /// Byte range: a string's content without quotes; a number's or literal's text; for
    /// containers, unused.
    var start: Int32
    var end: Int32
    /// Index of the node after this value's subtree (its next sibling).
    var next: Int32
    /// Containers: members (objects) or elements (arrays).
    var count: Int32
    /// Booleans: the value.
    var flag: Bool
}

/// The bytes and their index. A class: containers share it. Valid only while the bytes are.
final class JSONIndex {
    let bytes: UnsafeBufferPointer<UInt8>
    var nodes: [JSONNode] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        self.bytes = bytes
        var reserved: [JSONNode] = []
        reserved.reserveCapacity(bytes.count / 8 + 4)
        var parser = Parser(bytes: bytes, nodes: reserved)
        try parser.parseDocument()
        nodes = parser.nodes
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var nodes: [JSONNode]
        var pos = 0

        init(bytes: UnsafeBufferPointer<UInt8>, nodes: [JSONNode]) {
            self.bytes = bytes
            self.nodes = nodes
        }

        func fail(_ what: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "invalid JSON at byte \(pos): \(what)"))
        }

        mutating func skipSpace() {
            while pos < bytes.count {
                let b = bytes[pos]
                guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
                pos += 1
            }
        }

        mutating func parseDocument() throws {
            try parseValue(depth: 0)
            skipSpace()
            guard pos == bytes.count else { throw fail("trailing characters") }
        }

        mutating func parseValue(depth: Int) throws {
            guard depth < 512 else { throw fail("too deeply nested") }
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                let index = nodes.count
                nodes.append(
                    JSONNode(kind: .object, escaped: false, start: Int32(pos), end: 0, next: 0, count: 0, flag: false))
                pos += 1
                skipSpace()
                var count: Int32 = 0
                if pos < bytes.count && bytes[pos] == UInt8(ascii: "}") {
                    pos += 1
                } else {
                    while true {
                        skipSpace()
                        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                        try parseString()
                        skipSpace()
                        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                        pos += 1
                        try parseValue(depth: depth + 1)
                        count += 1
                        skipSpace()
                        guard pos < bytes.count else { throw fail("unterminated object") }
                        if bytes[pos] == UInt8(ascii: ",") {
                            pos += 1
                        } else if bytes[pos] == UInt8(ascii: "}") {
                            pos += 1
                            break
                        } else {
                            throw fail("expected ',' or '}'")
                        }
                    }
                }
                nodes[index].count = count
                nodes[index].end = Int32(pos)
                nodes[index].next = Int32(nodes.count)
            case UInt8(ascii: "["):
                let index = nodes.count
                nodes.append(
                    JSONNode(kind: .array, escaped: false, start: Int32(pos), end: 0, next: 0, count: 0, flag: false))
                pos += 1
                skipSpace()
                var count: Int32 = 0
                if pos < bytes.count && bytes[pos] == UInt8(ascii: "]") {
                    pos += 1
                } else {
                    while true {
                        try parseValue(depth: depth + 1)
                        count += 1
                        skipSpace()
                        guard pos < bytes.count else { throw fail("unterminated array") }
                        if bytes[pos] == UInt8(ascii: ",") {
                            pos += 1
                        } else if bytes[pos] == UInt8(ascii: "]") {
                            pos += 1
                            break
                        } else {
                            throw fail("expected ',' or ']'")
                        }
                    }
                }
                nodes[index].count = count
                nodes[index].end = Int32(pos)
                nodes[index].next = Int32(nodes.count)
            case UInt8(ascii: "\""):
                try parseString()
            case UInt8(ascii: "t"):
                try literal("true", .bool, flag: true)
            case UInt8(ascii: "f"):
                try literal("false", .bool, flag: false)
            case UInt8(ascii: "n"):
                try literal("null", .null, flag: false)
            default:
                let start = pos
                while pos < bytes.count {
                    let b = bytes[pos]
                    guard
                        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
                            || b == UInt8(ascii: "+")
                            || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                    else { break }
                    pos += 1
                }
                guard pos > start else { throw fail("unexpected character") }
                nodes.append(
                    JSONNode(
                        kind: .number, escaped: false, start: Int32(start), end: Int32(pos),
                        next: Int32(nodes.count + 1), count: 0, flag: false))
            }
        }

        mutating func literal(_ text: StaticString, _ kind: JSONNode.Kind, flag: Bool) throws {
            let n = text.utf8CodeUnitCount
            guard pos + n <= bytes.count else { throw fail("unexpected end") }
            let p = text.utf8Start
            for i in 0..<n where bytes[pos + i] != p[i] { throw fail("invalid literal") }
            nodes.append(
                JSONNode(
                    kind: kind, escaped: false, start: Int32(pos), end: Int32(pos + n), next: Int32(nodes.count + 1),
                    count: 0, flag: flag))
            pos += n
        }

        /// At an opening quote.
        mutating func parseString() throws {
            pos += 1
            let start = pos
            var escaped = false
            while true {
                guard pos < bytes.count else { throw fail("unterminated string") }
                let b = bytes[pos]
                if b == UInt8(ascii: "\"") { break }
                if b == UInt8(ascii: "\\") {
                    escaped = true
                    pos += 2
                    continue
                }
                guard b >= 0x20 else { throw fail("control character in string") }
                pos += 1
            }
            nodes.append(
                JSONNode(
                    kind: .string, escaped: escaped, start: Int32(start), end: Int32(pos), next: Int32(nodes.count + 1),
                    count: 0, flag: false))
            pos += 1
        }
    }

    // MARK: Reading values

    func string(_ i: Int32, _ path: [any CodingKey]) throws -> String {
        let n = nodes[Int(i)]
        guard n.kind == .string else { throw mismatch(String.self, n, path) }
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(n.start)..<Int(n.end)])
        guard n.escaped else { return String(decoding: raw, as: UTF8.self) }
        return try Self.unescape(raw, path)
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>, _ path: [any CodingKey]) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func bad() -> DecodingError {
            .dataCorrupted(.init(codingPath: path, debugDescription: "invalid escape in string"))
        }
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw bad() }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = raw[at + k]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw bad()
                }
                v = v << 4 | d
            }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            guard i + 1 < raw.count else { throw bad() }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A surrogate pair.
                    guard i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u") else {
                        throw bad()
                    }
                    let low = try hex4(i + 2)
                    guard low >= 0xDC00 && low < 0xE000 else { throw bad() }
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else { throw bad() }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw bad()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func isNull(_ i: Int32) -> Bool { nodes[Int(i)].kind == .null }

    func bool(_ i: Int32, _ path: [any CodingKey]) throws -> Bool {
        let n = nodes[Int(i)]
        guard n.kind == .bool else { throw mismatch(Bool.self, n, path) }
        return n.flag
    }

    func integer<T: FixedWidthInteger>(_ i: Int32, _ path: [any CodingKey]) throws -> T {
        let n = nodes[Int(i)]
        guard n.kind == .number else { throw mismatch(T.self, n, path) }
        var p = Int(n.start)
        let end = Int(n.end)
        var negative = false
        if bytes[p] == UInt8(ascii: "-") {
            negative = true
            p += 1
        }
        guard p < end else { throw mismatch(T.self, n, path) }
        var value: T = 0
        while p < end {
            let b = bytes[p]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else {
                // A fraction or an exponent: as JSONDecoder, accept it when it is a whole number.
                let d = try double(i, path)
                guard let exact = T(exactly: d) else { throw overflow(T.self, path) }
                return exact
            }
            let digit = T(b - UInt8(ascii: "0"))
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
            guard !o1 && !o2 else { throw overflow(T.self, path) }
            value = a
            p += 1
        }
        return value
    }

    func double(_ i: Int32, _ path: [any CodingKey]) throws -> Double {
        let n = nodes[Int(i)]
        guard n.kind == .number else { throw mismatch(Double.self, n, path) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(n.start)..<Int(n.end)]), as: UTF8.self)
        guard let d = Double(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "invalid number \(text)"))
        }
        return d
    }

    /// The value of `key` in object `object`, nil when absent.
    func member(_ object: Int32, _ key: String) -> Int32? {
        var key = key
        return key.withUTF8 { k -> Int32? in
            let count = nodes[Int(object)].count
            var child = object + 1
            var m: Int32 = 0
            while m < count {
                let n = nodes[Int(child)]
                let length = Int(n.end - n.start)
                if length == k.count && !n.escaped
                    && (length == 0 || memcmp(bytes.baseAddress! + Int(n.start), k.baseAddress!, length) == 0)
                {
                    return child + 1
                }
                if n.escaped, (try? string(child, [])) == String(decoding: k, as: UTF8.self) { return child + 1 }
                child = nodes[Int(child + 1)].next
                m += 1
            }
            return nil
        }
    }

    func mismatch(_ type: Any.Type, _ n: JSONNode, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found a JSON \(n.kind)"))
    }

    func overflow(_ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
        .dataCorrupted(.init(codingPath: path, debugDescription: "number does not fit in \(type)"))
    }

    /// Decodes a value of `type` at node `i`, with fast paths for strings and integers.
    func decode<T: Decodable>(_ type: T.Type, at i: Int32, path: [any CodingKey]) throws -> T {
        if T.self == String.self { return try string(i, path) as! T }
        if T.self == Int64.self { return try integer(i, path) as Int64 as! T }
        if T.self == Int.self { return try integer(i, path) as Int as! T }
        if T.self == UInt64.self { return try integer(i, path) as UInt64 as! T }
        if T.self == Bool.self { return try bool(i, path) as! T }
        return try T(from: IndexDecoder(doc: self, node: i, codingPath: path))
    }
}

struct IndexDecoder: Decoder {
    let doc: JSONIndex
    let node: Int32
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let n = doc.nodes[Int(node)]
        guard n.kind == .object else { throw doc.mismatch([String: Any].self, n, codingPath) }
        return KeyedDecodingContainer(IndexKeyedContainer<Key>(doc: doc, node: node, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let n = doc.nodes[Int(node)]
        guard n.kind == .array else { throw doc.mismatch([Any].self, n, codingPath) }
        return IndexUnkeyedContainer(doc: doc, node: node, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        IndexSingleValueContainer(doc: doc, node: node, codingPath: codingPath)
    }
}

struct IndexKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let doc: JSONIndex
    let node: Int32
    var codingPath: [any CodingKey]

    var allKeys: [Key] {
        var out: [Key] = []
        let count = doc.nodes[Int(node)].count
        var child = node + 1
        for _ in 0..<count {
            if let text = try? doc.string(child, codingPath), let key = Key(stringValue: text) { out.append(key) }
            child = doc.nodes[Int(child + 1)].next
        }
        return out
    }

    func contains(_ key: Key) -> Bool { doc.member(node, key.stringValue) != nil }

    func value(_ key: Key) throws -> Int32 {
        guard let v = doc.member(node, key.stringValue) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return v
    }

    func decodeNil(forKey key: Key) throws -> Bool { doc.isNull(try value(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try doc.bool(try value(key), codingPath) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try doc.string(try value(key), codingPath) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try doc.double(try value(key), codingPath) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(try doc.double(try value(key), codingPath))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try doc.integer(try value(key), codingPath) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try doc.integer(try value(key), codingPath) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try doc.integer(try value(key), codingPath) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try doc.integer(try value(key), codingPath) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try doc.decode(type, at: try value(key), path: codingPath)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let v = doc.member(node, key.stringValue), !doc.isNull(v) else { return nil }
        return try doc.decode(type, at: v, path: codingPath)
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let v = doc.member(node, key.stringValue), !doc.isNull(v) else { return nil }
        return try doc.string(v, codingPath)
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let v = doc.member(node, key.stringValue), !doc.isNull(v) else { return nil }
        return try doc.integer(v, codingPath)
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let v = doc.member(node, key.stringValue), !doc.isNull(v) else { return nil }
        return try doc.integer(v, codingPath)
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let v = doc.member(node, key.stringValue), !doc.isNull(v) else { return nil }
        return try doc.bool(v, codingPath)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try IndexDecoder(doc: doc, node: try value(key), codingPath: codingPath).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try IndexDecoder(doc: doc, node: try value(key), codingPath: codingPath).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let v = doc.member(node, "super") else {
            throw DecodingError.keyNotFound(
                FastIndexKey(stringValue: "super"),
                .init(codingPath: codingPath, debugDescription: "no value for super"))
        }
        return IndexDecoder(doc: doc, node: v, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        IndexDecoder(doc: doc, node: try value(key), codingPath: codingPath)
    }
}

struct FastIndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct IndexUnkeyedContainer: UnkeyedDecodingContainer {
    let doc: JSONIndex
    let node: Int32
    var codingPath: [any CodingKey]
    var count: Int? { Int(doc.nodes[Int(node)].count) }
    var currentIndex = 0
    private var cursor: Int32

    init(doc: JSONIndex, node: Int32, codingPath: [any CodingKey]) {
        self.doc = doc
        self.node = node
        self.codingPath = codingPath
        self.cursor = node + 1
    }

    var isAtEnd: Bool { currentIndex >= count! }

    mutating func next() throws -> Int32 {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: codingPath, debugDescription: "unkeyed container is at its end"))
        }
        let i = cursor
        cursor = doc.nodes[Int(i)].next
        currentIndex += 1
        return i
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, doc.isNull(cursor) else { return false }
        _ = try next()
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try doc.bool(try next(), codingPath) }
    mutating func decode(_ type: String.Type) throws -> String { try doc.string(try next(), codingPath) }
    mutating func decode(_ type: Double.Type) throws -> Double { try doc.double(try next(), codingPath) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try doc.double(try next(), codingPath)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try doc.integer(try next(), codingPath) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try doc.integer(try next(), codingPath) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let i = try next()
        return try doc.decode(type, at: i, path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try IndexDecoder(doc: doc, node: try next(), codingPath: codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try IndexDecoder(doc: doc, node: try next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        IndexDecoder(doc: doc, node: try next(), codingPath: codingPath)
    }
}

struct IndexSingleValueContainer: SingleValueDecodingContainer {
    let doc: JSONIndex
    let node: Int32
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { doc.isNull(node) }
    func decode(_ type: Bool.Type) throws -> Bool { try doc.bool(node, codingPath) }
    func decode(_ type: String.Type) throws -> String { try doc.string(node, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try doc.double(node, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try doc.double(node, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try doc.integer(node, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try doc.integer(node, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try doc.integer(node, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try doc.integer(node, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try doc.integer(node, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try doc.integer(node, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try doc.integer(node, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try doc.integer(node, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try doc.integer(node, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try doc.integer(node, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try doc.decode(type, at: node, path: codingPath) }
}
