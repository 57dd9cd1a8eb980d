import XMPPProtocol

/// Logs in, hands the session to a command's body, and closes the stream cleanly after it,
/// whatever the body did. Errors come back mapped to their exit codes.
enum SessionScope {
    static func run(
        _ account: Account, diagnostics: Diagnostics, _ body: (XMPPSession, Deadline) throws -> Void
    ) throws(Failure) {
        try CommandRunner.xmpp {
            let deadline = account.deadline()
            try ServerLogin.run(account, diagnostics: diagnostics, deadline: deadline) { session in
                try run(session, deadline: deadline, diagnostics: diagnostics, body)
            }
        }
    }

    private static func run(
        _ session: XMPPSession, deadline: Deadline, diagnostics: Diagnostics,
        _ body: (XMPPSession, Deadline) throws -> Void
    ) throws {
        DroppedStanzaWarnings(diagnostics: diagnostics).watch(session)
        // These commands want answers to their requests, nothing else: incoming stanzas are
        // dropped (flat memory), and messages left unacknowledged stay with the server.
        session.onStanza = { _ in }
        session.refusesFurtherMessages = true
        do {
            try body(session, deadline)
        } catch {
            session.close(deadline: .after(seconds: 1))
            throw error
        }
        // Within --timeout, unless the body was meant to outlast it (a held presence).
        let closing = Deadline.after(seconds: 2)
        session.close(deadline: deadline.hasPassed ? closing : deadline.earlier(closing))
    }
}
