import XMPPProtocol

/// How every command logs in: with what the per-server cache knows, so the login sends
/// more before it waits; and, should the server refuse what was sent ahead of the
/// session's establishment, once more in the same run, waiting for it this time.
enum ServerLogin {
    /// Logs in and hands the session to `body`. The server may refuse stanzas that arrive
    /// before its bind result (RFC 6120 §7.1 lets it): it closes the stream having
    /// processed none of them, so `body` runs again on a new login that waits for the
    /// bind result, and the cache remembers to wait from then on. What the login learned
    /// is saved whatever `body` did: a failure of its own leaves those facts true.
    ///
    /// `pipelining` false waits for the bind result anyway: for a command whose input,
    /// once sent, cannot be sent again (`send --interactive` reads it from stdin).
    static func run(
        _ account: Account, diagnostics: Diagnostics, deadline: Deadline, pipelining: Bool = true,
        _ body: (XMPPSession) throws -> Void
    ) throws {
        let cache = account.serverCache
        var knowledge = cache?.load() ?? ServerKnowledge()
        var retried = false
        while true {
            var asked = knowledge
            if !pipelining { asked.stanzasBeforeBind = false }
            let session = try Login.start(settings: account.settings, knowledge: asked, deadline: deadline, tracer: diagnostics.tracer)
            // What this session saw; a wait that was asked for proves nothing either way.
            var learned: ServerKnowledge {
                var seen = session.knowledge
                if !pipelining { seen.stanzasBeforeBind = knowledge.stanzasBeforeBind }
                return seen
            }
            do {
                try body(session)
                cache?.save(learned)
                return
            } catch XMPPError.refusedBeforeSession(let condition, let afterBind) where !retried {
                session.close(deadline: .now())
                retried = true
                knowledge = learned
                if afterBind {
                    // What followed the bind result was refused (`<enable/>`): not again.
                    knowledge.streamManagement = false
                } else {
                    knowledge.stanzasBeforeBind = false
                }
                cache?.save(knowledge)
                diagnostics.progress(
                    "the server closed the stream (\(condition.condition)) rather than take stanzas before the session was established; logging in again, waiting for it")
            } catch {
                cache?.save(learned)
                throw error
            }
        }
    }
}
