@testable import Commands
@testable import XMPPProtocol

/// What an upload service can send and what a user can name: the input's first line is a
/// URL as a slot holds it, the second a file path, the rest an IQ answer (disco#info or a
/// slot). Promises checked: a URL that parses is https or http with a host free of the
/// characters that end one, a port, and a scheme-less rest that an aesgcm:// URL is built
/// on; a slot keeps only the headers XEP-0363 permits and each is one header line; a
/// service's limit is positive; the name sent for a path has no control character and no
/// "/"; the progress line never holds a control character.
enum UploadFuzz {
    static func run(_ bytes: [UInt8]) {
        let parts = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
        checkURL(String(decoding: parts[0], as: UTF8.self))
        if parts.count > 1 { checkName(String(decoding: parts[1], as: UTF8.self)) }
        if parts.count > 2 { checkAnswer(Array(parts[2])) }
    }

    private static func checkURL(_ text: String) {
        guard let url = HTTPURL(text) else { return }
        require(url.scheme == "https" || url.scheme == "http", "\(text.debugDescription) parsed with scheme \(url.scheme)")
        require(!url.host.isEmpty && !url.host.contains("/") && !url.host.contains("@"), "\(text.debugDescription): host \(url.host.debugDescription)")
        require(url.port > 0, "\(text.debugDescription): port 0")
        require(text.hasSuffix(url.withoutScheme), "\(text.debugDescription): the rest is not the URL's")
        require(!text.unicodeScalars.contains { $0.value <= 0x20 || $0.value == 0x7F }, "\(text.debugDescription) has a blank or a control character")
        let aesgcm = FileEncryption(key: [UInt8](repeating: 1, count: 32), iv: [UInt8](repeating: 2, count: 12)).url(for: url)
        require(aesgcm.hasPrefix("aesgcm://") && aesgcm.split(separator: "#", omittingEmptySubsequences: false).last?.count == 88, "aesgcm URL \(aesgcm.debugDescription)")
    }

    private static func checkName(_ path: String) {
        let name = UploadFile.uploadName(path)
        require(!name.isEmpty && !name.contains("/"), "the name of \(path.debugDescription) is \(name.debugDescription)")
        require(!name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }, "the name of \(path.debugDescription) has a control character")
        let type = ContentTypes.guess(forName: name)
        require((try? Upload.checkContentType(type)) != nil, "the guessed type \(type) is not one --content-type takes")
        for width in [1, 30, 80] {
            let line = ProgressBar.render(label: name, sent: Int64(path.utf8.count) * 1_000, total: 123_456, elapsedSeconds: 0.5, width: width)
            requireSafeOnStandardError(line, "a progress line")
        }
    }

    private static func checkAnswer(_ bytes: [UInt8]) {
        guard let answer = (try? XMLFragmentParser().feed(bytes))?.first else { return }
        if let service = HTTPFileUpload.service(try! JID("upload.example"), info: answer), let limit = service.maxFileSize {
            require(limit > 0, "a limit of \(limit)")
        }
        guard let slot = HTTPFileUpload.slot(in: answer) else { return }
        require(!slot.putURL.isEmpty && !slot.getURL.isEmpty, "a slot without URLs")
        for header in slot.headers {
            require(HTTPFileUpload.permittedHeaders.contains(header.name.lowercased()), "the header \(header.name.debugDescription) was kept")
        }
        require(!String(describing: slot).contains("Bearer"), "a slot's description shows a header value")
    }
}
