import ArgumentParser
import XMPPProtocol

/// Runs a command body and turns its failure into one line on stderr and the exit code.
enum CommandRunner {
    static func run(_ diagnostics: Diagnostics, _ body: () throws(Failure) -> Void) throws {
        do {
            try body()
        } catch {
            diagnostics.error(error.message)
            throw ExitCode(error.status.rawValue)
        }
    }

    /// Runs core code, mapping its `XMPPError` to a `Failure`.
    static func xmpp(_ body: () throws -> Void) throws(Failure) {
        do {
            try body()
        } catch let error as XMPPError {
            throw Failure(error)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(.software, "internal error: \(error)")
        }
    }
}
