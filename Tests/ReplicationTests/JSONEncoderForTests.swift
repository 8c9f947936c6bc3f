import Foundation

/// Sorted-key JSON, as the golden vectors are written.
enum JSONEncoderForTests {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(value)
    }
}
