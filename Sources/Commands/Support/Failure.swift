import XMPPProtocol

/// The exit codes of CLI.md; the only place they are numbered.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case refused = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case ioError = 74
    case tempFail = 75
    case protocolError = 76
    case noPermission = 77
    case config = 78
}

/// A failure ready to report: the exit status and the one line that explains it.
public struct Failure: Error, Sendable {
    public var status: ExitStatus
    public var message: String

    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
}

extension Failure {
    /// Maps the core's errors to exit codes: the one place this decision is made.
    public init(_ error: XMPPError) {
        let status: ExitStatus
        switch error {
        case .unreachable: status = .unavailable
        case .timedOut: status = .tempFail
        case .connectionLost: status = .ioError
        case .streamError, .refusedBeforeSession, .protocolViolation: status = .protocolError
        case .tlsUnavailable, .authenticationFailed, .tokenRefused: status = .noPermission
        case .tls(let failure, _):
            // Set-up problems (a CA file that holds no certificate, a domain TLS cannot check)
            // are configuration; an unreadable CA file was reported (66) before connecting.
            if case .configuration = failure { status = .config } else { status = .noPermission }
        case .stanzaError, .refused: status = .refused
        }
        self.init(status, error.description + (error.remedy.map { "; " + Self.words($0) } ?? ""))
    }

    /// A remedy in the command line's words: the options that apply it.
    static func words(_ remedy: Remedy) -> String {
        switch remedy {
        case .allowMoreTime: return "check the server, or raise --timeout"
        case .checkDomainOrServer: return "check the domain or use --server"
        case .checkServerIsRunning: return "check --server and that the server is running"
        case .checkTrustedCertificates: return "check --ca-file or the server's certificate"
        case .tryDirectTLS: return "check the server's TLS set-up, or try --tls direct"
        case .chooseAnotherNickname: return "choose another with --nick"
        case .checkRoomPassword: return "check --room-password, --room-password-file or XMPP_ROOM_PASSWORD"
        case .checkProxy: return "check --proxy (or ALL_PROXY) and NO_PROXY"
        case .checkProxyCredentials: return "give the proxy's user name and password in ALL_PROXY (socks5h://USER:PASSWORD@HOST:PORT)"
        }
    }
}
