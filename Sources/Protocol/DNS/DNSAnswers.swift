/// What the answer section of a response says: SRV records (RFC 2782) and host addresses
/// (A, AAAA, through CNAME chains).
extension DNSMessage {
    /// The SRV records of class IN in the answer section of `bytes`, in the order received.
    /// Other answers (a CNAME leading to the SRV owner, for one) are skipped. An NXDOMAIN
    /// response yields no records.
    static func parseSRVAnswers(_ bytes: [UInt8]) throws(EndpointError) -> [SRVRecord] {
        let message = try DNSMessage(parsing: bytes)
        guard try message.isAnswered() else { return [] }
        var records: [SRVRecord] = []
        for record in message.answers where record.type == typeSRV && record.recordClass == classIN {
            guard record.data.count >= 7 else { throw malformed("an SRV record is too short") }
            var data = message.dataReader(record)
            let priority = try data.u16()
            let weight = try data.u16()
            let port = try data.u16()
            let target = try message.name(in: record, from: data.offset, kind: "an SRV")
            records.append(SRVRecord(priority: priority, weight: weight, port: port, target: try hostName(target)))
        }
        return records
    }

    /// The addresses of `family` that the response in `bytes` gives for the name in its
    /// question, in the order received: the records of that type owned by the end of the
    /// CNAME chain that starts at the question's name. Records of other names are ignored.
    /// An NXDOMAIN response, or a chain that ends without such records, yields none.
    static func parseAddressAnswers(_ bytes: [UInt8], family: IPAddress.Family) throws(EndpointError) -> [IPAddress] {
        let message = try DNSMessage(parsing: bytes)
        guard try message.isAnswered() else { return [] }
        let type = family == .ipv4 ? typeA : typeAAAA
        guard message.questions.count == 1, let question = message.questions.first else {
            throw malformed("the answer does not carry exactly one question")
        }
        guard question.type == type, question.recordClass == classIN else {
            throw malformed("the answer is for another type of record")
        }

        var aliases: [DNSName: DNSName] = [:]
        for record in message.answers where record.type == typeCNAME && record.recordClass == classIN {
            let target = try message.name(in: record, from: record.data.lowerBound, kind: "a CNAME")
            if aliases[record.owner] == nil { aliases[record.owner] = target }
        }
        var name = question.name
        var visited: Set<DNSName> = [name]
        while let target = aliases[name] {
            guard visited.insert(target).inserted else { throw malformed("the CNAME records form a loop") }
            name = target
        }

        let length = family == .ipv4 ? 4 : 16
        var addresses: [IPAddress] = []
        for record in message.answers where record.type == type && record.recordClass == classIN && record.owner == name {
            guard record.data.count == length, let address = IPAddress(bytes: Array(message.data(record))) else {
                throw malformed("\(family == .ipv4 ? "an A" : "an AAAA") record is not \(length) bytes long")
            }
            addresses.append(address)
        }
        return addresses
    }

    /// The name the question's name is an alias of (its CNAME record's target), if the
    /// answer has one; nil for a name that is no alias, or that does not exist.
    static func parseAlias(_ bytes: [UInt8]) throws(EndpointError) -> String? {
        let message = try DNSMessage(parsing: bytes)
        guard try message.isAnswered(), message.questions.count == 1, let question = message.questions.first else { return nil }
        for record in message.answers where record.type == typeCNAME && record.recordClass == classIN && record.owner == question.name {
            return try hostName(try message.name(in: record, from: record.data.lowerBound, kind: "a CNAME"))
        }
        return nil
    }

    /// Whether the response code says the answer section can be read: true for no error,
    /// false for NXDOMAIN; any other code is thrown.
    private func isAnswered() throws(EndpointError) -> Bool {
        switch responseCode {
        case 0: return true
        case 3: return false
        case let code: throw EndpointError.dnsFailed("the DNS server answered with error code \(code)")
        }
    }

    /// An SRV target as a lowercased host name without trailing dot, "." for the root.
    /// Only letters, digits, '-' and '_' are accepted: a target is used as a host name.
    static func hostName(_ name: DNSName) throws(EndpointError) -> String {
        for label in name.labels {
            for byte in label {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "_"):
                    continue
                default:
                    throw malformed("an SRV target contains a byte that is not allowed in a host name")
                }
            }
        }
        return name.description
    }
}
