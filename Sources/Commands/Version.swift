/// The version of xmpp-cli: the one place it is written (`--version`, software version
/// answers, man pages).
public enum XMPPCLIVersion {
    public static let current = "0.1.0"
}
