import Foundation

/// A JSON encoder for `Encodable` values that writes bytes as it goes, without the intermediate
/// tree Foundation's `JSONEncoder` builds (which made encoding most of a return's cost).
/// Output is standard JSON that `JSONDecoder` reads; keys keep their encoding order.
///
/// Codable has no "container finished" call, so open containers sit on a stack and are closed
/// when an outer container writes again, or at the end.
enum StreamingJSONEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let w = Writer()
        try value.encode(to: StreamEncoder(writer: w, codingPath: []))
        w.close(to: 0)
        return Data(w.bytes)
    }
}

private final class Writer {
    var bytes: [UInt8] = []
    /// Open containers: true for an object, false for an array; and whether it has an element yet.
    var stack: [(object: Bool, hasElement: Bool)] = []

    init() { bytes.reserveCapacity(512) }

    func close(to level: Int) {
        while stack.count > level {
            bytes.append(stack.removeLast().object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    func open(object: Bool) -> Int {
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        stack.append((object, false))
        return stack.count
    }

    /// Starts the next element of the container at `level`, writing `key` for objects.
    func element(level: Int, key: String?) {
        close(to: level)
        if stack[level - 1].hasElement { bytes.append(UInt8(ascii: ",")) }
        stack[level - 1].hasElement = true
        if let key {
            string(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        // Almost every string (keys, ids, codes) needs no escaping: copy it in one go.
        let clean =
            s.utf8.withContiguousStorageIfAvailable { buffer in
                !buffer.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
            } ?? false
        if clean {
            bytes.append(contentsOf: s.utf8)
        } else {
            escape(s.utf8)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func escape(_ utf8: String.UTF8View) {
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)],
                    hex[Int(b & 0xF)],
                ]
            default: bytes.append(b)
            }
        }
    }

    func raw(_ s: String) { bytes += s.utf8 }

    func integer<T: BinaryInteger>(_ value: T) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while magnitude > 0 {
                buf[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buf[i]) }
        }
    }
}

private struct StreamEncoder: Encoder {
    let writer: Writer
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(writer: writer, level: writer.open(object: true), codingPath: codingPath))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        Unkeyed(writer: writer, level: writer.open(object: false), codingPath: codingPath)
    }
    func singleValueContainer() -> any SingleValueEncodingContainer { Single(writer: writer, codingPath: codingPath) }
}

/// Writes one value in place (its key, if any, is already written).
private struct Single: SingleValueEncodingContainer {
    let writer: Writer
    var codingPath: [any CodingKey]
    mutating func encodeNil() throws { writer.raw("null") }
    mutating func encode(_ value: Bool) throws { writer.raw(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { writer.string(value) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "not finite"))
        }
        writer.raw("\(value)")
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { writer.integer(value) }
    mutating func encode(_ value: Int8) throws { writer.integer(value) }
    mutating func encode(_ value: Int16) throws { writer.integer(value) }
    mutating func encode(_ value: Int32) throws { writer.integer(value) }
    mutating func encode(_ value: Int64) throws { writer.integer(value) }
    mutating func encode(_ value: UInt) throws { writer.integer(value) }
    mutating func encode(_ value: UInt8) throws { writer.integer(value) }
    mutating func encode(_ value: UInt16) throws { writer.integer(value) }
    mutating func encode(_ value: UInt32) throws { writer.integer(value) }
    mutating func encode(_ value: UInt64) throws { writer.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try value.encode(to: StreamEncoder(writer: writer, codingPath: codingPath))
    }
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: Writer
    let level: Int
    var codingPath: [any CodingKey]

    func single(_ key: Key) -> Single {
        writer.element(level: level, key: key.stringValue)
        return Single(writer: writer, codingPath: [])
    }
    mutating func encodeNil(forKey key: Key) throws { var s = single(key); try s.encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { var s = single(key); try s.encode(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { var s = single(key); try s.encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        writer.element(level: level, key: key.stringValue)
        return KeyedEncodingContainer(
            Keyed<NestedKey>(writer: writer, level: writer.open(object: true), codingPath: []))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.element(level: level, key: key.stringValue)
        return Unkeyed(writer: writer, level: writer.open(object: false), codingPath: [])
    }
    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.element(level: level, key: key.stringValue)
        return StreamEncoder(writer: writer, codingPath: [])
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "\(intValue!)" }
    var intValue: Int?
    init(_ i: Int) { intValue = i }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct Unkeyed: UnkeyedEncodingContainer {
    let writer: Writer
    let level: Int
    var codingPath: [any CodingKey]
    var count = 0

    mutating func single() -> Single {
        writer.element(level: level, key: nil)
        count += 1
        return Single(writer: writer, codingPath: [])
    }
    mutating func encodeNil() throws { var s = single(); try s.encodeNil() }
    mutating func encode(_ value: Bool) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: String) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Double) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Float) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int8) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int16) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int32) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: Int64) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt8) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt16) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt32) throws { var s = single(); try s.encode(value) }
    mutating func encode(_ value: UInt64) throws { var s = single(); try s.encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { var s = single(); try s.encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        writer.element(level: level, key: nil)
        count += 1
        return KeyedEncodingContainer(
            Keyed<NestedKey>(writer: writer, level: writer.open(object: true), codingPath: codingPath))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.element(level: level, key: nil)
        count += 1
        return Unkeyed(writer: writer, level: writer.open(object: false), codingPath: codingPath)
    }
    mutating func superEncoder() -> any Encoder {
        writer.element(level: level, key: nil)
        count += 1
        return StreamEncoder(writer: writer, codingPath: codingPath)
    }
}
