import ArgumentParser
import XMPPProtocol

/// `xmpp-cli upload FILE...`: each file to the account's HTTP upload service (XEP-0363), its
/// URL printed (CLI.md).
public struct Upload: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload files to the account's HTTP upload service (XEP-0363) and print their URLs.",
        discussion: """
            Each FILE is uploaded to the service the server offers, and its URL printed, one a line, \
            in the order given (--format json: one JSON record a line, with file, url, size, sha256 and \
            content_type). Every file is checked before anything is sent: readable (else exit 66), and \
            within the service's size limit (else exit 65, naming it). The upload is streamed from the \
            file, so memory stays flat whatever its size; it has the XMPP connection's trust (the system \
            store and --ca-file), goes through --proxy, follows no redirect, and ends by --timeout. A \
            progress bar is drawn on stderr when it is a terminal and a file is over 1 MiB (not with -q \
            or TERM=dumb). HTTP failures: 4xx exit 1 with the status line, 5xx and network errors 69, \
            time-outs 75.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: ArgumentHelp("Files to upload.", valueName: "FILE"))
    var files: [String] = []

    @Option(help: "Output format: text (the URLs, one a line) or json (JSON Lines).")
    var format: OutputFormat = .text

    @Option(
        name: .customLong("content-type"),
        help: ArgumentHelp("The files' content type (default: guessed from each name's extension).", valueName: "TYPE"))
    var contentType: String?

    public init() {}

    public mutating func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one FILE") }
    }

    public func run() throws {
        let diagnostics = connection.diagnostics
        try CommandRunner.run(diagnostics) { () throws(Failure) in
            let type = try contentType.map { (type) throws(Failure) in try Self.checkContentType(type) }
            let opened = try files.map { (path) throws(Failure) in try UploadFile(path: path, contentType: type) }
            let account = try connection.resolve(diagnostics: diagnostics)
            var uploaded: [UploadedFile] = []
            try SessionScope.run(account, diagnostics: diagnostics) { session, deadline in
                uploaded = try FileUploader(account: account, diagnostics: diagnostics, encrypts: false)
                    .upload(opened, session: session, deadline: deadline)
            }
            for file in uploaded { Self.print(file, format: format) }
        }
    }

    static func print(_ uploaded: UploadedFile, format: OutputFormat) {
        switch format {
        case .text:
            StandardOutput.writeLine(uploaded.url)
        case .json:
            StandardOutput.writeLine(
                JSONValue.object([
                    ("file", .string(uploaded.file.path)), ("url", .string(uploaded.url)), ("size", .number(Int(uploaded.file.size))),
                    ("sha256", .string(uploaded.sha256)), ("content_type", .string(uploaded.file.contentType)),
                ]).encoded)
        }
    }

    /// A MIME type as `type/subtype` with optional parameters, nothing that could end a header line.
    static func checkContentType(_ type: String) throws(Failure) -> String {
        let scalars = type.unicodeScalars
        let essence = type.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let parts = essence.trimmingXMLWhitespace().split(separator: "/", omittingEmptySubsequences: false)
        let isToken = { (part: Substring) in !part.isEmpty && part.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains($0) } }
        guard scalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), parts.count == 2, isToken(parts[0]), isToken(parts[1]) else {
            throw Failure(.dataError, "--content-type \(type) is not a content type such as image/png")
        }
        return type
    }
}
