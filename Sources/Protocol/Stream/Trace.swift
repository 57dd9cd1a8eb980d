/// What the core reports as it works, for `-v` (stages) and `-vv` (every element).
///
/// The core never writes to stderr itself: the command decides what to show. Secrets never
/// reach a trace: SASL payloads are replaced by `[redacted]` before the event is made.
public enum TraceEvent: Sendable {
    /// One line per stage of the session: resolved address, TLS version, mechanism, bound JID.
    case stage(String)
    /// An element (or stream header/footer) sent, serialized.
    case sent(String)
    /// An element (or stream header/footer) received, serialized.
    case received(String)
    /// A fact a report is made of (`doctor`), as the stage that learned it saw it; nothing
    /// for `-v` to print.
    case fact(ConnectionFact)
}

/// What the stages of a connection learn, with their timings.
public enum ConnectionFact: Sendable {
    /// TCP connected to `address` for `endpoint` after `milliseconds`.
    case tcpConnected(endpoint: Endpoint, address: String, milliseconds: Double)
    /// The TLS handshake finished after `milliseconds`.
    case tlsEstablished(TLSFacts, milliseconds: Double)
    /// Stream features received; `secured`: over TLS.
    case features(XMLElement, secured: Bool)
    /// SASL (or SASL2) succeeded with `mechanism`.
    case authenticated(mechanism: String)
}

/// Receives trace events. `nil` where nothing is wanted, so tracing costs nothing then.
public typealias Tracer = (TraceEvent) -> Void
