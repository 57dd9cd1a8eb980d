import XCTest
import XMPPProtocol

/// Mechanism selection: preference order, channel binding, XEP-0440 filtering and PLAIN.
final class SASLMechanismChoiceTests: XCTestCase {
    private let everything = [
        "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512",
        "SCRAM-SHA-512-PLUS",
    ]
    private let exporter = ChannelBindingData(type: "tls-exporter", data: [1, 2, 3])
    private let endPoint = ChannelBindingData(type: "tls-server-end-point", data: [4, 5, 6])
    private let unique = ChannelBindingData(type: "tls-unique", data: [7, 8, 9])
    /// The server says (XEP-0440) it supports tls-exporter.
    private let exporterServer = ["tls-exporter"]

    /// The chosen mechanism's name and the start of its first message (the GS2 header for SCRAM).
    private func choose(
        _ offered: [String], bindings: [ChannelBindingData] = [], serverTypes: [String]? = nil,
        allowPlain: Bool = true
    ) throws -> (name: String, firstMessage: String) {
        var mechanism = try SASLMechanismChoice.select(
            offered: offered, username: "user", password: "pencil", channelBindings: bindings,
            serverChannelBindingTypes: serverTypes, allowPlain: allowPlain)
        return (mechanism.name, saslText(try mechanism.initialResponse()))
    }

    func testStrongestPlusWinsWhenABindingIsAvailable() throws {
        let choice = try choose(everything, bindings: [exporter], serverTypes: exporterServer)
        XCTAssertEqual(choice.name, "SCRAM-SHA-512-PLUS")
        XCTAssertTrue(choice.firstMessage.hasPrefix("p=tls-exporter,,n=user,r="))
    }

    func testPlusOrderFollowsTheHash() throws {
        XCTAssertEqual(
            try choose(["SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512"], bindings: [exporter], serverTypes: exporterServer).name,
            "SCRAM-SHA-256-PLUS")
        XCTAssertEqual(
            try choose(["SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"], bindings: [exporter], serverTypes: exporterServer).name, "SCRAM-SHA-1-PLUS")
    }

    func testAnyPlusBeatsAStrongerHashWithoutBinding() throws {
        let choice = try choose(["SCRAM-SHA-512", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS"], bindings: [exporter], serverTypes: exporterServer)
        XCTAssertEqual(choice.name, "SCRAM-SHA-1-PLUS")
    }

    func testWithoutBindingDataPlusIsNotUsedAndFlagIsN() throws {
        let choice = try choose(everything)
        XCTAssertEqual(choice.name, "SCRAM-SHA-512")
        XCTAssertTrue(choice.firstMessage.hasPrefix("n,,n=user,r="))
    }

    func testNonPlusOrderFollowsTheHash() throws {
        XCTAssertEqual(try choose(["SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"]).name, "SCRAM-SHA-256")
        XCTAssertEqual(try choose(["PLAIN", "SCRAM-SHA-1"]).name, "SCRAM-SHA-1")
    }

    /// A server offering no -PLUS to a client that could bind gets flag "y" (downgrade detection).
    func testBindingCapableClientWithoutPlusOfferSendsY() throws {
        let choice = try choose(["SCRAM-SHA-1", "PLAIN"], bindings: [exporter])
        XCTAssertEqual(choice.name, "SCRAM-SHA-1")
        XCTAssertTrue(choice.firstMessage.hasPrefix("y,,n=user,r="))
    }

    func testXEP0440TypesSelectTheSharedBinding() throws {
        let choice = try choose(everything, bindings: [exporter, endPoint], serverTypes: ["tls-server-end-point"])
        XCTAssertEqual(choice.name, "SCRAM-SHA-512-PLUS")
        XCTAssertTrue(choice.firstMessage.hasPrefix("p=tls-server-end-point,,"))
    }

    /// Without XEP-0440 only tls-unique, the type RFC 5802 makes every -PLUS server know, is
    /// used: TLS 1.2 binds with it whatever else the connection could offer.
    func testWithoutXEP0440OnlyTLSUniqueIsUsed() throws {
        let choice = try choose(everything, bindings: [endPoint, unique, exporter])
        XCTAssertEqual(choice.name, "SCRAM-SHA-512-PLUS")
        XCTAssertTrue(choice.firstMessage.hasPrefix("p=tls-unique,,"))
    }

    /// TLS 1.3 offers only tls-exporter; a server that does not say it supports it gets plain
    /// SCRAM with flag "n" (it offers -PLUS, so "y" would make it suspect a downgrade).
    func testWithoutXEP0440OnTLS13PlainSCRAMWithN() throws {
        let choice = try choose(everything, bindings: [exporter])
        XCTAssertEqual(choice.name, "SCRAM-SHA-512")
        XCTAssertTrue(choice.firstMessage.hasPrefix("n,,"))
    }

    /// The server offers -PLUS but advertises no type we can compute: no binding, and flag "n"
    /// (not "y", which would make the server suspect a downgrade).
    func testNoSharedBindingTypeFallsBackToPlainSCRAMWithN() throws {
        for serverTypes in [["tls-unique"], []] {
            let choice = try choose(everything, bindings: [exporter], serverTypes: serverTypes)
            XCTAssertEqual(choice.name, "SCRAM-SHA-512")
            XCTAssertTrue(choice.firstMessage.hasPrefix("n,,"), "\(serverTypes)")
        }
    }

    func testUnknownPlusMechanismStillMeansTheServerBinds() throws {
        let choice = try choose(["SCRAM-SHA3-512-PLUS", "SCRAM-SHA-256"], bindings: [exporter])
        XCTAssertEqual(choice.name, "SCRAM-SHA-256")
        XCTAssertTrue(choice.firstMessage.hasPrefix("n,,"))
    }

    func testPlainOnlyWithoutSCRAMAndWhenAllowed() throws {
        let choice = try choose(["PLAIN"], bindings: [exporter])
        XCTAssertEqual(choice.name, "PLAIN")
        XCTAssertEqual(choice.firstMessage, "\0user\0pencil")
        XCTAssertThrowsError(try choose(["PLAIN"], allowPlain: false)) { error in
            XCTAssertEqual(error as? SASLError, .plainNotAllowed)
        }
    }

    /// Over a connection whose certificate was not verified, PLAIN is refused with a reason
    /// of its own; SCRAM is still chosen there.
    func testPlainRefusalSaysWhyAndSCRAMStillWorks() throws {
        XCTAssertThrowsError(try choose(["PLAIN"], bindings: [exporter], allowPlain: false)) { error in
            let text = (error as? SASLError)?.description ?? ""
            for words in ["PLAIN", "not verified", "man in the middle", "SCRAM"] {
                XCTAssertTrue(text.contains(words), "'\(words)' missing from: \(text)")
            }
        }
        XCTAssertEqual(try choose(["PLAIN", "SCRAM-SHA-1"], allowPlain: false).name, "SCRAM-SHA-1")
    }

    /// A server that speaks any SCRAM never gets the password itself, even if we cannot use
    /// its SCRAM variant.
    func testPlainIsRefusedWhenAnySCRAMIsOffered() {
        for offered in [["SCRAM-SHA3-512", "PLAIN"], ["SCRAM-SHA-256-PLUS", "PLAIN"]] {
            XCTAssertThrowsError(try choose(offered)) { error in
                XCTAssertEqual(error as? SASLError, .noUsableMechanism(offered: offered))
            }
        }
    }

    func testNothingUsable() {
        for offered in [[], ["DIGEST-MD5", "X-OAUTH2", "EXTERNAL"]] {
            XCTAssertThrowsError(try choose(offered, bindings: [exporter])) { error in
                XCTAssertEqual(error as? SASLError, .noUsableMechanism(offered: offered))
            }
        }
    }

    func testNamesAreTrimmedAndCaseInsensitive() throws {
        XCTAssertEqual(try choose([" scram-sha-256\n", "PLAIN"]).name, "SCRAM-SHA-256")
    }
}
