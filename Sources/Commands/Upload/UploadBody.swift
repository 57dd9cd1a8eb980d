import Glibc
import XMPPProtocol

/// The bytes of one upload, read from the file as the transfer asks for them, so memory
/// stays flat whatever the file's size: its SHA-256 is computed on the way, and with OMEMO
/// (XEP-0454) each piece is encrypted in place with AES-256-GCM and the tag follows the last.
final class UploadBody: HTTPRequestBody {
    let file: UploadFile
    let length: Int64
    private var remaining: Int64
    private let digest = StreamingDigest(.sha256)
    private let encryptor: GCMEncryptor?
    private var tag: ArraySlice<UInt8>?
    /// Why the bytes could not be had, once `read` has returned nil.
    private(set) var failure: Failure?

    init(file: UploadFile, encryption: FileEncryption?) throws(Failure) {
        self.file = file
        remaining = file.size
        length = file.size + (encryption == nil ? 0 : Int64(Cipher.gcmTagLength))
        do throws(CryptoError) {
            encryptor = try encryption.map { key throws(CryptoError) in try GCMEncryptor(key: key.key, iv: key.iv) }
        } catch {
            throw Failure(.software, error.description)
        }
        // Read from the start, whoever read the descriptor before (a second attempt).
        guard lseek(file.fd, 0, SEEK_SET) == 0 else { throw Failure(.noInput, "cannot read \(file.path): \(FileInput.lastErrorMessage)") }
    }

    /// The SHA-256 of the file's bytes (not of what was sent, when it was encrypted), once all were read.
    func sha256() -> String { Hex.encode(digest.finish()) }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard remaining > 0 else { return emitTag(into: buffer) }
        let wanted = Int(min(Int64(buffer.count), remaining))
        var count = 0
        repeat {
            count = Glibc.read(file.fd, buffer.baseAddress, wanted)
        } while count < 0 && errno == EINTR
        if count < 0 { return fail("cannot read \(file.path): \(FileInput.lastErrorMessage)") }
        if count == 0 { return fail("\(file.path) became shorter while it was being uploaded (\(remaining) bytes missing)") }
        let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
        digest.update(UnsafeRawBufferPointer(piece))
        if let encryptor {
            do throws(CryptoError) { try encryptor.encryptInPlace(piece) } catch { return fail(error.description, status: .software) }
        }
        remaining -= Int64(count)
        return count
    }

    private func emitTag(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard let encryptor else { return 0 }
        if tag == nil {
            do throws(CryptoError) { tag = try encryptor.finish()[...] } catch { return fail(error.description, status: .software) }
        }
        let count = min(buffer.count, tag!.count)
        for (offset, byte) in tag!.prefix(count).enumerated() { buffer[offset] = byte }
        tag = tag!.dropFirst(count)
        return count
    }

    private func fail(_ message: String, status: ExitStatus = .noInput) -> Int? {
        failure = Failure(status, message)
        return nil
    }
}

/// The key and IV of a file encrypted for OMEMO (XEP-0454): AES-256-GCM, a 12-byte IV.
struct FileEncryption: SecretHolding {
    let key: [UInt8]
    let iv: [UInt8]

    static func random() -> FileEncryption {
        FileEncryption(key: Digest.randomBytes(32), iv: Digest.randomBytes(12))
    }

    /// The aesgcm:// URL of the file at `getURL` (https): the URL's scheme replaced, and the
    /// IV and key in its fragment, as hex.
    func url(for getURL: HTTPURL) -> String {
        "aesgcm://" + getURL.withoutScheme.prefix { $0 != "#" } + "#" + Hex.encode(iv) + Hex.encode(key)
    }

    var visibleFields: KeyValuePairs<String, Any> { ["key": Redacted(), "iv": Redacted()] }
}
