import Foundation
import Replication

/// JSON for events and record bodies. Keys sorted so that equal values give equal bytes.
enum EventCodec {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
    static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T { try JSONDecoder().decode(type, from: data) }
    static func text<T: Encodable>(_ value: T) throws -> String { String(decoding: try encode(value), as: UTF8.self) }
}
