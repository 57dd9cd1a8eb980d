import XCTest
import XMPPProtocol

@testable import Commands

/// The per-server cache's file format (`ServerCache`) and the FAST token file's
/// (`FASTTokenStore`): what is written reads back the same, and anything else is refused.
final class ServerCacheTests: XCTestCase {
    private let full = ServerKnowledge(
        mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "PLAIN"], channelBindingTypes: ["tls-exporter"],
        streamManagement: true, stanzasBeforeBind: false, legacySession: false, maxStanzaBytes: 262_144)

    func testWhatIsWrittenReadsBackTheSame() {
        var knowledge = full
        knowledge.sasl2 = SASL2Offer(
            mechanisms: ["SCRAM-SHA-1"], offersBind2: true, bind2Features: ["urn:xmpp:sm:3", "urn:xmpp:carbons:2"],
            offersInlineResumption: true, fastMechanisms: ["HT-SHA-256-NONE"])
        knowledge.endpoint = Endpoint(host: "xmpp2.example.org", port: 5223, directTLS: true)
        knowledge.uploadService = "upload.example.org"
        knowledge.uploadMaxFileSize = 104_857_600
        knowledge.remember(SCRAMKeyParameters(salt: [0, 1, 0xFE, 0xFF], iterations: 4096), username: "bob", hash: "SHA-256")
        knowledge.remember(SCRAMKeyParameters(salt: Array("salt".utf8), iterations: 10000), username: "ał,ice=", hash: "SHA-1")
        XCTAssertEqual(ServerCache.parse(ServerCache.format(knowledge)), knowledge)
        XCTAssertEqual(ServerCache.parse(ServerCache.format(ServerKnowledge())), ServerKnowledge())
        var noTypes = full
        noTypes.channelBindingTypes = []
        XCTAssertEqual(ServerCache.parse(ServerCache.format(noTypes)), noTypes, "an empty list is not an unknown one")
        var noLimit = full
        noLimit.uploadService = "share.example.org"
        XCTAssertEqual(ServerCache.parse(ServerCache.format(noLimit)), noLimit, "a service that announced no limit")
    }

    func testAnythingElseIsNoCache() {
        let good = ServerCache.format(full)
        for damaged in [
            "", "xmpp-cli server cache 2\n", String(good.dropLast()), good.replacingOccurrences(of: "yes", with: "maybe"),
            good + "unknown-key 1\n", good + "mechanisms\n", good + "max-stanza-bytes -5\n",
            good + "mechanisms ../../etc/passwd\n", good + "mechanisms SCRAM\u{1}\n",
            good + "endpoint xmpp.example.org 5222\n", good + "endpoint xmpp.example.org 0 starttls\n",
            good + "endpoint xmpp.example.org 5222 plain\n", good + "endpoint ../x 5222 direct/\n",
            good + "upload-service\n", good + "upload-service a.example 0\n", good + "upload-service a.example 5 6\n",
            good + "upload-service a/b\n",
            good + "scram-salt SHA-1 616c696365 4096\n", good + "scram-salt SHA-1 616c69636 4096 00\n",
            good + "scram-salt SHA-1 616c696365 0 00\n", good + "scram-salt SHA-1 616c696365 4096 zz\n",
            good + String(repeating: "scram-salt SHA-1 616c696365 4096 00\n", count: ServerKnowledge.rememberedSCRAMAccounts + 1),
        ] {
            XCTAssertNil(ServerCache.parse(damaged), damaged)
        }
    }

    /// The SCRAM parameters of the last few accounts are kept, newest first, one per account
    /// and hash.
    func testSCRAMParametersAreKeptPerAccountAndHashNewestFirst() {
        var knowledge = ServerKnowledge()
        let first = SCRAMKeyParameters(salt: [1], iterations: 4096)
        let second = SCRAMKeyParameters(salt: [2], iterations: 4096)
        knowledge.remember(first, username: "alice", hash: "SHA-1")
        knowledge.remember(first, username: "alice", hash: "SHA-256")
        knowledge.remember(second, username: "alice", hash: "SHA-1")
        knowledge.remember(first, username: "", hash: "SHA-1")
        XCTAssertEqual(knowledge.scramParameters(username: "alice", hash: "SHA-1"), second)
        XCTAssertEqual(knowledge.scramParameters(username: "alice", hash: "SHA-256"), first)
        XCTAssertNil(knowledge.scramParameters(username: "bob", hash: "SHA-1"))
        XCTAssertEqual(knowledge.scramKeys.count, 2)
        for index in 0..<20 { knowledge.remember(first, username: "user\(index)", hash: "SHA-1") }
        XCTAssertEqual(knowledge.scramKeys.count, ServerKnowledge.rememberedSCRAMAccounts)
        XCTAssertEqual(knowledge.scramKeys.first?.username, "user19")
        XCTAssertEqual(ServerCache.parse(ServerCache.format(knowledge)), knowledge)
    }

    func testFileNamesCannotLeaveTheDirectory() {
        XCTAssertEqual(ServerCache.fileName("example.com@127.0.0.1:5222,starttls"), "example.com%40127.0.0.1%3A5222%2Cstarttls")
        XCTAssertEqual(ServerCache.fileName("../x/y"), "%2E.%2Fx%2Fy")
        XCTAssertEqual(ServerCache.fileName(".hidden"), "%2Ehidden")
        XCTAssertFalse(ServerCache.fileName("a/../../b").contains("/"))
    }

    func testTokenFileReadsBackTheSameAndRefusesDamage() {
        let credentials = FASTCredentials(
            userAgent: SASL2UserAgent(id: "4b2c7c8e-0d5e-4f0a-9a55-1d5a0e0b6f11"),
            token: FASTToken(secret: "s3cr3t with spaces", mechanism: "HT-SHA-256-NONE", expiry: "2026-12-22T14:28:52Z"))
        let text = FASTTokenStore.format(credentials)
        XCTAssertFalse(text.contains("s3cr3t"), "the token is not written as it is")
        let read = FASTTokenStore.parse(text)
        XCTAssertEqual(read?.token, credentials.token)
        XCTAssertEqual(read?.userAgent, credentials.userAgent)
        let withoutToken = FASTCredentials(userAgent: credentials.userAgent, token: nil)
        XCTAssertNil(FASTTokenStore.parse(FASTTokenStore.format(withoutToken))?.token)
        for damaged in [
            "", text.replacingOccurrences(of: "xmpp-cli fast token 1", with: "x"),
            text.replacingOccurrences(of: "token ", with: "token !!"), text + "user-agent twice\n",
            "xmpp-cli fast token 1\nmechanism HT-SHA-256-NONE\n",
        ] {
            XCTAssertNil(FASTTokenStore.parse(damaged), damaged)
        }
    }
}
