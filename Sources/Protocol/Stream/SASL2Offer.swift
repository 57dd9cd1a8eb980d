/// What a server's `<authentication xmlns='urn:xmpp:sasl:2'>` feature offers (XEP-0388 §2),
/// with what it can do inline: Bind2 and the features Bind2 can enable (XEP-0386 §3), stream
/// resumption (XEP-0198 #inline) and FAST (XEP-0484 §3).
public struct SASL2Offer: Sendable, Equatable {
    public var mechanisms: [String]
    /// XEP-0440 channel-binding types, or nil when the server lists none.
    public var channelBindingTypes: [String]?
    public var offersBind2: Bool
    /// The `var`s of Bind2's own `<inline>`, e.g. `urn:xmpp:sm:3`, `urn:xmpp:carbons:2`.
    public var bind2Features: [String]
    /// Inline `<resume/>` (SASL2's `<inline><sm/>`).
    public var offersInlineResumption: Bool
    /// The FAST mechanisms, empty when FAST is not offered (Prosody offers it only when the
    /// stream header names the account in `from`).
    public var fastMechanisms: [String]

    public init(
        mechanisms: [String], channelBindingTypes: [String]? = nil, offersBind2: Bool, bind2Features: [String],
        offersInlineResumption: Bool, fastMechanisms: [String]
    ) {
        self.mechanisms = mechanisms
        self.channelBindingTypes = channelBindingTypes
        self.offersBind2 = offersBind2
        self.bind2Features = bind2Features
        self.offersInlineResumption = offersInlineResumption
        self.fastMechanisms = fastMechanisms
    }

    /// nil when the features hold no SASL2 offer.
    public init?(features: XMLElement) {
        guard let authentication = features.child("authentication", namespace: Namespace.sasl2) else { return nil }
        mechanisms = authentication.elements(named: "mechanism", namespace: Namespace.sasl2)
            .map { $0.text.trimmingXMLWhitespace() }
        channelBindingTypes = features.child("sasl-channel-binding", namespace: Namespace.channelBindingTypes)
            .map { $0.elements(named: "channel-binding").compactMap { $0[attribute: "type"] } }
        let inline = authentication.child("inline", namespace: Namespace.sasl2)
        let bind = inline?.child("bind", namespace: Namespace.bind2)
        offersBind2 = bind != nil
        bind2Features = bind?.child("inline", namespace: Namespace.bind2)?
            .elements(named: "feature", namespace: Namespace.bind2).compactMap { $0[attribute: "var"] } ?? []
        offersInlineResumption = inline?.child("sm", namespace: Namespace.streamManagement) != nil
        fastMechanisms = inline?.child("fast", namespace: Namespace.fast)?
            .elements(named: "mechanism", namespace: Namespace.fast).map { $0.text.trimmingXMLWhitespace() } ?? []
    }

    /// Whether `<enable/>` may go inside `<bind>`.
    public var offersInlineStreamManagement: Bool {
        offersBind2 && bind2Features.contains(Namespace.streamManagement)
    }
}
