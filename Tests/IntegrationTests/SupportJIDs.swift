/// The bare part of a JID as text ("alice@localhost/res" -> "alice@localhost").
func bareJID(_ jid: String?) -> String? {
    jid.map { String($0.prefix { $0 != "/" }) }
}
