/// What a successful SASL2 exchange established, read from `<success>` (XEP-0388 §3.4) and
/// the `<stream:features/>` that follow it (there is no stream restart).
public struct SASL2Outcome: Sendable, SecretHolding {
    /// The mechanism that authenticated.
    public var mechanism: String
    /// `<authorization-identifier>`: the bound full JID with Bind2, else the bare JID.
    public var authorizationIdentifier: JID
    /// The full JID bound by Bind2; nil when no bind was asked for.
    public var boundJID: JID?
    public var streamManagement: InlineStreamManagement
    /// A token the server issued (asked for, or a FAST token rotated); keep it with the
    /// user-agent id it was issued for.
    public var token: FASTToken?
    /// The stream features of the authenticated stream.
    public var features: XMLElement

    public var visibleFields: KeyValuePairs<String, Any> {
        [
            "mechanism": mechanism, "authorizationIdentifier": authorizationIdentifier, "boundJID": boundJID as Any,
            "streamManagement": streamManagement, "token": token as Any,
        ]
    }
}

/// The answer to `<enable/>` inside `<bind>` (XEP-0198 #inline-enable).
public enum InlineStreamManagement: Sendable, Equatable {
    /// Not asked for (not wanted, or not offered inline).
    case notRequested
    /// `<enabled/>`: stanzas sent after `<authenticate>` are counted.
    case enabled(resumptionID: String?, resumable: Bool)
    /// `<failed/>`, or no answer at all: the session confirms delivery with pings.
    case failed(condition: String)
}

extension SASL2Outcome {
    /// Reads `<success>`. The mechanism has already checked its additional data.
    static func parse(
        success: XMLElement, mechanism: String, tokenMechanism: String, account: JID, bindRequested: Bool,
        streamManagementRequested: Bool, peer: String
    ) throws(XMPPError) -> SASL2Outcome {
        guard let identifierText = success.child("authorization-identifier", namespace: Namespace.sasl2)?.text
            .trimmingXMLWhitespace(),
            let identifier = try? JID(identifierText)
        else {
            throw .protocolViolation("\(peer)'s SASL2 <success> lacks a valid <authorization-identifier>")
        }
        // The server authorized someone: it must be the account we authenticated as.
        guard identifier.bare == account.bare else {
            throw .protocolViolation("\(peer) authorized \(identifier.bare) instead of \(account.bare)")
        }
        var boundJID: JID?
        var streamManagement = InlineStreamManagement.notRequested
        if bindRequested {
            if let failed = success.child("failed", namespace: Namespace.bind2) {
                throw .refused("\(peer) could not bind a resource (Bind2): \(Self.condition(in: failed))")
            }
            guard let bound = success.child("bound", namespace: Namespace.bind2) else {
                throw .protocolViolation("\(peer) answered Bind2 without <bound/>")
            }
            guard !identifier.isBare else {
                throw .protocolViolation("\(peer) bound a resource (Bind2) but authorized the bare \(identifier)")
            }
            boundJID = identifier
            if streamManagementRequested {
                if let enabled = bound.child("enabled", namespace: Namespace.streamManagement) {
                    let resumable = ["true", "1"].contains(enabled[attribute: "resume"] ?? "")
                    streamManagement = .enabled(resumptionID: enabled[attribute: "id"], resumable: resumable)
                } else if let failed = bound.child("failed", namespace: Namespace.streamManagement) {
                    streamManagement = .failed(condition: Self.condition(in: failed))
                } else {
                    streamManagement = .failed(condition: "no answer to <enable/> inside <bind>")
                }
            }
        }
        var token: FASTToken?
        if let tokenElement = success.child("token", namespace: Namespace.fast) {
            guard let secret = tokenElement[attribute: "token"], !secret.isEmpty else {
                throw .protocolViolation("\(peer) sent a FAST <token/> without a token")
            }
            // Issued for the mechanism asked for in <request-token/>, or, rotated during a
            // FAST login, for the one in use (XEP-0484 §4.1, §4.3).
            token = FASTToken(secret: secret, mechanism: tokenMechanism, expiry: tokenElement[attribute: "expiry"])
        }
        return SASL2Outcome(
            mechanism: mechanism, authorizationIdentifier: identifier, boundJID: boundJID,
            streamManagement: streamManagement, token: token, features: XMLElement("features", namespace: Namespace.streams))
    }

    /// The defined condition of a `<failure>`/`<failed>`: its first child other than `<text>`,
    /// in any namespace (servers differ), with the text when there is one.
    static func condition(in element: XMLElement) -> String {
        let condition = element.elementChildren.first { $0.name != "text" && $0.name != "error" }?.name
            ?? element.child("error")?.elementChildren.first { $0.name != "text" }?.name
            ?? "undefined-condition"
        let text = element.child("text")?.text ?? element.child("error")?.child("text")?.text
        return text.map { "\(condition) (\($0))" } ?? condition
    }
}
