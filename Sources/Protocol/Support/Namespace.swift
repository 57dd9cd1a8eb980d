/// The XML namespaces xmpp-cli speaks, in one table: the stream and its negotiation
/// (RFC 6120), the extensions the session and the commands use, and the XML namespace
/// itself. Code names namespaces only through this table.
public enum Namespace {
    // RFC 6120: the stream and its negotiation
    public static let client = "jabber:client"
    public static let streams = "http://etherx.jabber.org/streams"
    public static let streamErrors = "urn:ietf:params:xml:ns:xmpp-streams"
    public static let stanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas"
    public static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    public static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    public static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    /// Bound to the `xml` prefix by definition.
    public static let xml = "http://www.w3.org/XML/1998/namespace"

    // Negotiation extensions
    /// RFC 3921 session establishment, which some servers still ask for.
    public static let session = "urn:ietf:params:xml:ns:xmpp-session"
    public static let streamManagement = "urn:xmpp:sm:3"          // XEP-0198
    public static let channelBindingTypes = "urn:xmpp:sasl-cb:0"  // XEP-0440
    public static let streamLimits = "urn:xmpp:stream-limits:0"   // XEP-0478
    public static let sasl2 = "urn:xmpp:sasl:2"                   // XEP-0388
    public static let bind2 = "urn:xmpp:bind:0"                   // XEP-0386
    public static let fast = "urn:xmpp:fast:0"                    // XEP-0484
    /// XEP-0078, obsolete: only recognised, so its passwords stay out of the console history.
    public static let legacyAuth = "jabber:iq:auth"

    // Instant messaging
    public static let roster = "jabber:iq:roster"                         // RFC 6121
    public static let ping = "urn:xmpp:ping"                              // XEP-0199
    public static let stanzaID = "urn:xmpp:sid:0"                         // XEP-0359
    public static let discoInfo = "http://jabber.org/protocol/disco#info" // XEP-0030
    public static let discoItems = "http://jabber.org/protocol/disco#items"
    public static let version = "jabber:iq:version"                       // XEP-0092
    public static let carbons = "urn:xmpp:carbons:2"                      // XEP-0280
    public static let forward = "urn:xmpp:forward:0"                      // XEP-0297
    public static let delay = "urn:xmpp:delay"                            // XEP-0203
    public static let receipts = "urn:xmpp:receipts"                      // XEP-0184
    public static let muc = "http://jabber.org/protocol/muc"              // XEP-0045
    public static let mucUser = "http://jabber.org/protocol/muc#user"
    public static let mucOwner = "http://jabber.org/protocol/muc#owner"
    public static let mucAdmin = "http://jabber.org/protocol/muc#admin"
    public static let dataForms = "jabber:x:data"                         // XEP-0004
    public static let pubsub = "http://jabber.org/protocol/pubsub"        // XEP-0060, XEP-0163
    public static let pubsubPublishOptions = "http://jabber.org/protocol/pubsub#publish-options"
    public static let omemoLegacy = "eu.siacs.conversations.axolotl"      // XEP-0384 0.3
    public static let omemoLegacyDeviceList = "eu.siacs.conversations.axolotl.devicelist"
    public static let omemoLegacyBundles = "eu.siacs.conversations.axolotl.bundles"  // + ":" + device id
    public static let explicitEncryption = "urn:xmpp:eme:0"               // XEP-0380
    public static let processingHints = "urn:xmpp:hints"                  // XEP-0334
    public static let httpUpload = "urn:xmpp:http:upload:0"               // XEP-0363
    public static let outOfBandData = "jabber:x:oob"                      // XEP-0066
    public static let mam = "urn:xmpp:mam:2"                              // XEP-0313
    public static let resultSetManagement = "http://jabber.org/protocol/rsm"  // XEP-0059
    public static let messageCorrection = "urn:xmpp:message-correct:0"   // XEP-0308
    public static let messageRetraction = "urn:xmpp:message-retract:1"   // XEP-0424
    public static let fallbackIndication = "urn:xmpp:fallback:0"         // XEP-0428
    public static let blocking = "urn:xmpp:blocking"                      // XEP-0191
    public static let push = "urn:xmpp:push:0"                            // XEP-0357
    public static let clientStateIndication = "urn:xmpp:csi:0"           // XEP-0352
    public static let vcardTemp = "vcard-temp"                            // XEP-0054
}
