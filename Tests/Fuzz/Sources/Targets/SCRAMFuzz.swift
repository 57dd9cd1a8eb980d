@testable import XMPPProtocol

/// A SCRAM client given hostile server messages. The input is one flags byte, the
/// server-first-message, and after the first newline the server-final-message.
///
/// Flags: bits 0-1 the hash (SHA-1, -256, -384, -512); bits 2-3 channel binding (none, "y",
/// bound to tls-exporter); bit 4 clear: the final message arrives as a challenge (then an
/// empty `<success/>`) instead of in `<success/>`; bit 5 clear: the exchange starts with
/// an empty challenge instead of an initial response. So the digits are the usual exchange.
/// With the RFC 5802 user, password and client nonce, a seed can make a whole exchange
/// succeed.
///
/// Promises checked: the client-final-message is printable ASCII and extends our nonce; an
/// exchange that threw stays failed; success needs the server's `v=`; a challenge after
/// success is refused; error texts, as written to stderr, hold no control characters.
enum SCRAMFuzz {
    static let clientNonce = "fyko+d2lbbFgONRv9qkxdawL"
    static let channelBindingData = ChannelBindingData(type: "tls-exporter", data: Array(0..<32))

    static func run(_ bytes: [UInt8]) {
        guard let flags = bytes.first else { return }
        let rest = bytes.dropFirst()
        let newline = rest.firstIndex(of: UInt8(ascii: "\n"))
        let serverFirst = Array(rest[..<(newline ?? rest.endIndex)])
        let serverFinal = newline.map { Array(rest[rest.index(after: $0)...]) } ?? []
        // The iteration count is bounded by the parser; above a few thousand PBKDF2 only makes
        // the fuzzer slow without reaching new code.
        if let first = try? SCRAMServerMessage.parseFirst(serverFirst, clientNonce: clientNonce), first.iterations > 5000 {
            return
        }

        let hash: HashAlgorithm = [.sha1, .sha256, .sha384, .sha512][Int(flags & 3)]
        let binding: SCRAMChannelBinding = switch (flags >> 2) & 3 {
        case 1: .supportedButNotOffered
        case 2: .bound(channelBindingData)
        default: .unsupported
        }
        let scram = SCRAM(hash: hash, username: "user", password: "pencil", channelBinding: binding, clientNonce: clientNonce)
        var exchange = Exchange(scram: scram)
        let start = flags & 0x20 == 0 ? exchange.step { try $0.respond(to: []) } : exchange.step { try $0.initialResponse() }
        require(start != nil, "the first message failed")

        guard let clientFinal = exchange.step({ try $0.respond(to: serverFirst) }) else {
            exchange.requireSpent()
            return
        }
        requireClientFinal(clientFinal, serverFirst: serverFirst)

        let verified: Bool
        if flags & 0x10 == 0 {
            verified = exchange.step { try $0.respond(to: serverFinal) } != nil
                && exchange.step { try $0.verifySuccess([]) } != nil
        } else {
            verified = exchange.step { try $0.verifySuccess(serverFinal) } != nil
        }
        guard verified else {
            exchange.requireSpent()
            return
        }
        require(serverFinal.starts(with: Array("v=".utf8)), "an exchange succeeded without the server's v=")
        require(exchange.step { try $0.respond(to: serverFinal) } == nil, "a challenge after success was answered")
    }

    /// `c=...,r=NONCE,p=...`: printable ASCII, the server's nonce extending ours.
    private static func requireClientFinal(_ message: [UInt8], serverFirst: [UInt8]) {
        require(message.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }, "the client-final-message is not printable ASCII")
        let parts = message.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        require(parts.count == 3 && parts[0].hasPrefix("c=") && parts[1].hasPrefix("r=") && parts[2].hasPrefix("p="),
                "the client-final-message is not c=,r=,p=: \(parts)")
        let nonce = parts[1].dropFirst(2)
        require(nonce.hasPrefix(clientNonce) && nonce.count > clientNonce.count, "the server nonce \(nonce) does not extend ours")
        require(String(decoding: serverFirst, as: UTF8.self).hasPrefix("r=\(nonce),"), "the nonce answered is not the server's")
    }

    /// The mechanism and the calls made on it; a call that throws must leave it spent.
    struct Exchange {
        var scram: SCRAM

        /// The call's result, or nil when it threw (after checking the error).
        mutating func step<Result>(_ call: (inout SCRAM) throws -> Result) -> Result? {
            do {
                return try call(&scram)
            } catch let error as SASLError {
                requireSafeOnStandardError(error.description, "the error text")
                return nil
            } catch {
                require(false, "SCRAM threw \(error), which is no SASLError")
                return nil
            }
        }

        /// After a failure nothing succeeds any more.
        mutating func requireSpent() {
            require(step({ try $0.respond(to: Array("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=".utf8)) }) == nil, "a failed exchange answered a challenge")
            require(step({ try $0.verifySuccess(Array("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=".utf8)) }) == nil, "a failed exchange accepted success")
            require(step({ try $0.verifySuccess([]) }) == nil, "a failed exchange accepted an empty success")
        }
    }
}
