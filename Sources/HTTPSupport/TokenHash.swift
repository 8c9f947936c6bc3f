import Crypto
public import Foundation

/// Bearer tokens are random secrets shown once when they are made (a node's enrolment at the hub,
/// a till's key at its node); servers keep only their SHA-256.
public enum TokenHash {
    public static func of(_ token: String) -> String { of(bytes: Data(token.utf8)) }

    /// The SHA-256 of `bytes`, hex.
    public static func of(bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { b in
            let hex = String(b, radix: 16)
            return b < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A new random token: 32 bytes from the system's secure generator, hex.
    public static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let b = UInt8.random(in: 0...255, using: &g)
            return b < 16 ? "0" + String(b, radix: 16) : String(b, radix: 16)
        }.joined()
    }
}
