import Foundation

/// A throwaway CA and server certificates made with the `openssl` command line, once per
/// test run, in a temporary directory.
struct TestCertificates: Sendable {
    let directory: String

    /// The certificates made, by file name; all signed by the test CA with ECDSA P-256.
    enum Leaf: String, CaseIterable {
        /// subjectAltName DNS:localhost.
        case localhost
        /// subjectAltName DNS:wrong.example (and CN=wrong.example).
        case wrongName = "wrong-name"
        /// CN=localhost and no subjectAltName at all.
        case commonNameOnly = "cn-only"
        /// subjectAltName DNS:*.example.test.
        case wildcard
        /// subjectAltName DNS:c*.example.test, a partial-label wildcard.
        case partialWildcard = "partial-wildcard"
        /// subjectAltName IP:127.0.0.1.
        case ipAddress = "ip-address"
        /// subjectAltName DNS:localhost, signed with ECDSA-SHA384 instead of SHA256.
        case localhostSHA384 = "localhost-sha384"

        var extensions: String {
            let san: String? =
                switch self {
                case .localhost, .localhostSHA384: "DNS:localhost"
                case .wrongName: "DNS:wrong.example"
                case .commonNameOnly: nil
                case .wildcard: "DNS:*.example.test"
                case .partialWildcard: "DNS:c*.example.test"
                case .ipAddress: "IP:127.0.0.1"
                }
            return ["basicConstraints=CA:FALSE", "extendedKeyUsage=serverAuth"]
                .appending(san.map { "subjectAltName=\($0)" })
                .joined(separator: "\n") + "\n"
        }

        var commonName: String {
            switch self {
            case .wrongName: "wrong.example"
            default: "localhost"
            }
        }

        var signatureDigest: String { self == .localhostSHA384 ? "-sha384" : "-sha256" }
    }

    var caCertificate: String { "\(directory)/ca.pem" }
    var serverKey: String { "\(directory)/server.key" }
    func certificate(_ leaf: Leaf) -> String { "\(directory)/\(leaf.rawValue).pem" }

    /// Made on first use; every test of the run shares them.
    static let shared: Result<TestCertificates, TestSetupError> = Result { () throws(TestSetupError) in try make() }

    private static func make() throws(TestSetupError) -> TestCertificates {
        let directory = temporaryDirectory(forProcess: getpid())
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            atexit { try? FileManager.default.removeItem(atPath: temporaryDirectory(forProcess: getpid())) }
            try """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = xmpp-cli test CA
            [ca]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            subjectKeyIdentifier = hash

            """.write(toFile: "\(directory)/ca.cnf", atomically: true, encoding: .utf8)
        } catch {
            throw TestSetupError("cannot write to \(directory): \(error)")
        }
        let certificates = TestCertificates(directory: directory)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try runOpenSSL(
            [
                "req", "-x509", "-new", "-config", "\(directory)/ca.cnf", "-extensions", "ca", "-days", "2",
                "-keyout", "\(directory)/ca.key", "-out", certificates.caCertificate,
            ] + ec)
        // One key for every server certificate: only the certificates differ between tests.
        try runOpenSSL(
            [
                "req", "-new", "-config", "\(directory)/ca.cnf", "-subj", "/CN=localhost",
                "-keyout", certificates.serverKey, "-out", "\(directory)/server.csr",
            ] + ec)
        for (serial, leaf) in Leaf.allCases.enumerated() {
            let extensionsFile = "\(directory)/\(leaf.rawValue).ext"
            do {
                try leaf.extensions.write(toFile: extensionsFile, atomically: true, encoding: .utf8)
            } catch {
                throw TestSetupError("cannot write \(extensionsFile): \(error)")
            }
            // -subj on `x509 -req` replaces the request's subject with this leaf's CN.
            try runOpenSSL(
                [
                    "x509", "-req", "-in", "\(directory)/server.csr", "-CA", certificates.caCertificate,
                    "-CAkey", "\(directory)/ca.key", "-set_serial", "\(serial + 2)", "-days", "2",
                    leaf.signatureDigest, "-extfile", extensionsFile, "-subj", "/CN=\(leaf.commonName)",
                    "-out", certificates.certificate(leaf),
                ])
        }
        return certificates
    }

    /// The digest (`sha256`, `sha384`) of the certificate's DER encoding, computed by the
    /// `openssl` command line independently of the code under test.
    func digestOfDER(_ leaf: Leaf, algorithm: String) throws -> [UInt8] {
        let der = "\(directory)/\(leaf.rawValue).der"
        try Self.runOpenSSL(["x509", "-in", certificate(leaf), "-outform", "DER", "-out", der])
        return Array(try Self.runOpenSSL(["dgst", "-\(algorithm)", "-binary", der]))
    }

    @discardableResult
    static func runOpenSSL(_ arguments: [String]) throws(TestSetupError) -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw TestSetupError("cannot run openssl: \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError("openssl \(arguments.joined(separator: " ")) failed: \(errorText)")
        }
        return data
    }
}

/// One directory per test process, so that it can be found again to be removed at exit.
private func temporaryDirectory(forProcess pid: pid_t) -> String {
    NSTemporaryDirectory() + "xmpp-cli-tls-\(pid)"
}

extension Array {
    fileprivate func appending(_ element: Element?) -> [Element] {
        guard let element else { return self }
        return self + [element]
    }
}
