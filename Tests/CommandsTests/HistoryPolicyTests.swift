import XCTest

@testable import Commands

/// What the raw console may keep in its history file: everything typed, except elements
/// that carry a credential.
final class HistoryPolicyTests: XCTestCase {
    private func assertKept(_ entry: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(HistoryPolicy.mayRemember(entry), "not kept: \(entry)", file: file, line: line)
    }

    private func assertForgotten(_ entry: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(HistoryPolicy.mayRemember(entry), "kept: \(entry)", file: file, line: line)
    }

    func testOrdinaryElementsAndCommandsAreKept() {
        assertKept("<iq type='get' to='localhost' id='v'> <query xmlns='jabber:iq:version'/></iq>")
        assertKept("<presence/>")
        assertKept("/ping")
        // A body that talks about passwords carries none.
        assertKept("<message to='bob@localhost'><body>what is the wifi password?</body></message>")
        assertKept("<presence to='room@conference.localhost/me'><x xmlns='http://jabber.org/protocol/muc'/></presence>")
    }

    func testSASLElementsAreForgotten() {
        assertForgotten("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>")
        assertForgotten("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdz</response>")
        assertForgotten("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>AGE=</initial-response></authenticate>")
        assertForgotten("<response xmlns='urn:xmpp:sasl:2'>Yz1iaXdz</response>")
    }

    func testPasswordElementsAreForgottenWhateverTheirNamespace() {
        // Legacy authentication (XEP-0078), in-band registration (XEP-0077), and MUC joins,
        // invitations and bookmarks (XEP-0045, XEP-0048).
        assertForgotten("<iq type='set' id='a'><query xmlns='jabber:iq:auth'><username>a</username><password>s3cret</password><resource>r</resource></query></iq>")
        assertForgotten("<iq type='set' id='a'><query xmlns='jabber:iq:auth'><username>a</username><digest>48fc78be9ec8f86d8ce1c39c320c97c21d62334d</digest></query></iq>")
        assertForgotten("<iq type='set' to='localhost' id='r'><query xmlns='jabber:iq:register'><username>a</username><password>n3w</password></query></iq>")
        assertForgotten("<presence to='room@conference.localhost/me'><x xmlns='http://jabber.org/protocol/muc'><password>hunter2</password></x></presence>")
        assertForgotten("<message to='room@conference.localhost'><x xmlns='http://jabber.org/protocol/muc#user'><invite to='b@localhost'/><password>hunter2</password></x></message>")
        assertForgotten("<iq type='set' id='o'><query xmlns='http://jabber.org/protocol/muc#owner'><password>x</password></query></iq>")
    }

    func testPrivateDataFormFieldsAreForgotten() {
        let owner = "<iq type='set' to='room@conference.localhost' id='c'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>"
        assertForgotten(owner + "<field var='muc#roomconfig_roomsecret'><value>hunter2</value></field></x></query></iq>")
        assertForgotten(owner + "<field var='pin' type='text-private'><value>1234</value></field></x></query></iq>")
        assertForgotten(owner + "<field var='Password'><value>x</value></field></x></query></iq>")
        assertForgotten(owner + "<field var='new-passphrase'><value>x</value></field></x></query></iq>")
        assertKept(owner + "<field var='muc#roomconfig_roomname'><value>Ops</value></field></x></query></iq>")
    }

    func testAttributesNamedLikeAPasswordAreForgotten() {
        assertForgotten("<iq type='set' id='p'><proxy xmlns='urn:example:proxy' user='a' password='s3cret'/></iq>")
    }

    /// Several elements on one line: one with a credential is enough.
    func testOneSecretAmongSeveralElementsForgetsTheEntry() {
        assertForgotten("<presence/> <iq type='set' id='r'><query xmlns='jabber:iq:register'><password>x</password></query></iq>")
    }

    /// An entry that is not well-formed (it was not sent, or only in part) cannot be judged
    /// by its structure: any sign of a credential in its text is enough.
    func testMalformedEntriesAreJudgedByTheirText() {
        assertForgotten("<iq type='set'><query xmlns='jabber:iq:register'><password>x</passwrd></query></iq>")
        assertForgotten("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFs")
        assertForgotten("<presence><x xmlns='http://jabber.org/protocol/muc'><PASSWORD>x</x>")
        assertKept("<message><body>hello</bdy></message>")
    }
}
