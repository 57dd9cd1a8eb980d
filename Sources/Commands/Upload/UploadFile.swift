import Glibc
import XMPPProtocol

/// A file given to `upload` or `send --attach`, opened and checked before anything is sent:
/// a regular file we can read (else exit 66), its size, the name the service is told, and
/// its content type. The descriptor is read as the upload goes, and closed with the object.
final class UploadFile {
    let path: String
    let fd: Int32
    let size: Int64
    /// The base name without control characters (the service and the recipients see it).
    let name: String
    let contentType: String

    init(path: String, contentType: String?) throws(Failure) {
        self.path = path
        let fd = FileInput.openForReading(path)
        guard fd >= 0 else { throw Failure(.noInput, "cannot read \(path): \(FileInput.lastErrorMessage)") }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw Failure(.noInput, "cannot upload \(path): not a regular file")
        }
        self.fd = fd
        size = Int64(status.st_size)
        name = Self.uploadName(path)
        self.contentType = contentType ?? ContentTypes.guess(forName: name)
    }

    deinit { close(fd) }

    /// The part after the last "/", without control characters; "file" when nothing is left.
    static func uploadName(_ path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? ""
        let cleaned = String(String.UnicodeScalarView(base.unicodeScalars.filter { !$0.properties.isControlLike }))
        return cleaned.isEmpty || cleaned == "." || cleaned == ".." ? "file" : cleaned
    }

    /// The extension, with its dot ("" without one): kept in the random names of encrypted
    /// uploads, which is how receiving clients choose how to show a file.
    var nameExtension: String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        let ext = name[dot...]
        return ext.count <= 16 && ext.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? String(ext) : ""
    }
}

extension Unicode.Scalar.Properties {
    /// C0 and C1 controls, DEL, and the bidirectional and line/paragraph format characters
    /// that could make a name display as another.
    fileprivate var isControlLike: Bool {
        generalCategory == .control || generalCategory == .format || generalCategory == .lineSeparator
            || generalCategory == .paragraphSeparator
    }
}
