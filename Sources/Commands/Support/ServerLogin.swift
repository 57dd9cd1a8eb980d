import XMPPProtocol

/// How every command logs in: with what the per-server cache knows, so the login sends
/// more before it waits, and with the account's FAST token where there is one; and, should
/// the server refuse what was sent ahead (stanzas before its bind result, a token), once
/// more in the same run, without it.
enum ServerLogin {
    /// Logs in and hands the session to `body`. Two refusals make it log in once more and
    /// run `body` again, and neither ever duplicates anything, since the server processed
    /// nothing sent behind what it refused:
    /// - stanzas that arrive before the bind result (RFC 6120 §7.1 lets a server refuse
    ///   them): the new login waits for the bind result, and so do later ones (the cache);
    /// - a FAST token that is refused, or no longer usable: it is dropped, and the password
    ///   logs in (asking for a new token).
    /// What the login learned, and a token the server issued, are saved whatever `body`
    /// did: a failure of its own leaves them true.
    ///
    /// `pipelining` false waits for the bind result anyway: for a command whose input,
    /// once sent, cannot be sent again (`send --interactive` reads it from stdin).
    ///
    /// With `--retry`, a failure worth retrying (`RetryPolicy`) makes it log in again after
    /// a back-off, as long as `deadline` (the whole run's) leaves time, and run `body` again:
    /// `body` must then send only what the server has not confirmed (see `Delivery`). Each
    /// attempt's login has at most `--timeout`. A termination request during the back-off
    /// ends the run by its signal.
    ///
    /// `mayRetry` says whether another attempt could still keep that promise (`send -i`,
    /// whose sent lines are not kept, may not once it has sent one).
    static func run(
        _ account: Account, diagnostics: Diagnostics, deadline: Deadline, pipelining: Bool = true,
        mayRetry: () -> Bool = { true }, _ body: (XMPPSession) throws -> Void
    ) throws {
        var retried = 0
        while true {
            let attemptDeadline = deadline.earlier(.after(seconds: account.timeout))
            do {
                return try attempt(account, diagnostics: diagnostics, deadline: attemptDeadline, pipelining: pipelining, body)
            } catch let error as XMPPError
                where retried < account.retry.retries && RetryPolicy.isWorthRetrying(error) && mayRetry()
            {
                retried += 1
                let delay = account.retry.delay(beforeRetry: retried)
                // Another attempt needs time to log in after the back-off.
                guard deadline.remainingSeconds > delay + 1 else { throw error }
                diagnostics.progress(
                    "\(error); trying again in \(Double(Int(delay * 10)) / 10) s (retry \(retried) of \(account.retry.retries))")
                try Signals.whileCatchingTermination { () throws(Failure) in Signals.wait(until: .after(seconds: delay)) }
            }
        }
    }

    /// One login, and `body` on its session; see `run`.
    private static func attempt(
        _ account: Account, diagnostics: Diagnostics, deadline: Deadline, pipelining: Bool,
        _ body: (XMPPSession) throws -> Void
    ) throws {
        let cache = account.serverCache
        let tokens = FASTTokenStore(settings: account.settings)
        var knowledge = cache?.load() ?? ServerKnowledge()
        var fast = try tokens?.load() ?? FASTCredentials(userAgent: SASL2UserAgent(id: SASL2UserAgent.randomID()), token: nil)
        var retried = false
        while true {
            var asked = knowledge
            if !pipelining { asked.stanzasBeforeBind = false }
            var session: XMPPSession?
            // What this session saw; a wait that was asked for proves nothing either way.
            func learned(_ session: XMPPSession) -> ServerKnowledge {
                var seen = session.knowledge
                if !pipelining { seen.stanzasBeforeBind = knowledge.stanzasBeforeBind }
                return seen
            }
            func keep(_ session: XMPPSession) {
                cache?.save(learned(session))
                if let token = session.receivedToken {
                    fast.token = token
                    tokens?.save(fast)
                }
            }
            do {
                let started = try Login.start(
                    settings: account.settings, knowledge: asked, fast: fast, deadline: deadline, tracer: diagnostics.tracer)
                session = started
                try body(started)
                keep(started)
                return
            } catch XMPPError.refusedBeforeSession(let condition, let afterBind) where !retried && session != nil {
                session!.close(deadline: .now())
                retried = true
                knowledge = learned(session!)
                if afterBind {
                    // What followed the bind result was refused (`<enable/>`): not again.
                    knowledge.streamManagement = false
                } else {
                    knowledge.stanzasBeforeBind = false
                }
                cache?.save(knowledge)
                diagnostics.progress(
                    "the server closed the stream (\(condition.condition)) rather than take stanzas before the session was established; logging in again, waiting for it")
            } catch XMPPError.tokenRefused(let mechanism, let reason) where !retried && fast.token != nil {
                session?.close(deadline: .now())
                retried = true
                knowledge = session.map(learned) ?? knowledge
                if session == nil { knowledge.sasl2 = nil }
                cache?.save(knowledge)
                fast.token = nil
                tokens?.save(fast)
                diagnostics.progress("the \(mechanism) token was not accepted (\(reason)); logging in with the password")
            } catch {
                if let session { keep(session) }
                throw error
            }
        }
    }
}
