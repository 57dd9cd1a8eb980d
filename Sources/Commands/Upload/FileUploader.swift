import XMPPProtocol

/// A file on the upload service: where it can be fetched, and what it is.
struct UploadedFile {
    let file: UploadFile
    /// The slot's GET URL; with OMEMO the aesgcm:// URL that also carries the key.
    let url: String
    let sha256: String
    /// Whether `url` is an aesgcm:// URL (XEP-0454): then it only goes inside OMEMO messages.
    let isEncrypted: Bool
}

/// Uploads files over a logged-in session (XEP-0363), as `upload` and `send --attach` do:
/// the service and its limit found, every file checked against the limit before any is
/// sent (exit 65), slots for all in one flight, then one HTTP PUT each, streamed from
/// the file, with the XMPP connection's trust and proxy. Failures of the network or the
/// servers are thrown as `XMPPError`s, so that `--retry` tries again where they are worth
/// it; what is wrong with a file is a `Failure`.
struct FileUploader {
    let account: Account
    let diagnostics: Diagnostics
    /// With OMEMO (XEP-0454): each file is encrypted with a key of its own before it leaves,
    /// and is uploaded under a random name that keeps only its extension.
    let encrypts: Bool

    func upload(_ files: [UploadFile], session: XMPPSession, deadline: Deadline) throws -> [UploadedFile] {
        guard !files.isEmpty else { return [] }
        let descriptions = files.map { file in
            HTTPFileUpload.FileDescription(
                name: encrypts ? Hex.encode(Digest.randomBytes(12)) + file.nameExtension : file.name,
                size: file.size + (encrypts ? Int64(Cipher.gcmTagLength) : 0),
                contentType: encrypts ? ContentTypes.fallback : file.contentType)
        }
        // The service the last upload found is asked first; if it has gone, or its limit
        // (which may have grown) refuses a file, it is looked for again, once.
        var service = HTTPFileUpload.knownService(session: session)
        var known = service != nil
        while true {
            let current = try service ?? findService(session: session, deadline: deadline)
            if let (file, size) = oversized(files, descriptions, limit: current.maxFileSize) {
                if known { known = false; service = nil; continue }
                throw tooLarge(file, size: size, limit: current.maxFileSize!, service: current)
            }
            let slots = try HTTPFileUpload.requestSlots(for: descriptions, service: current, session: session, deadline: deadline)
            var granted: [HTTPFileUpload.Slot] = []
            for (index, result) in slots.enumerated() {
                switch result {
                case .success(let slot): granted.append(slot)
                case .failure(let refusal):
                    // A remembered service may have gone, moved or changed: any refusal is asked again.
                    if known { break }
                    if let limit = refusal.tooLargeFor {
                        throw tooLarge(files[index], size: descriptions[index].size, limit: limit, service: current)
                    }
                    throw Failure(.refused, "the upload service \(current.jid) refused a slot for \(files[index].path): \(refusal.error)")
                }
            }
            guard granted.count == files.count else {
                diagnostics.progress("the upload service \(current.jid) the last upload used refused; looking for the service again")
                known = false
                service = nil
                continue
            }
            if known { diagnostics.progress("upload service \(current.jid) (as the last upload found)") }
            var uploaded: [UploadedFile] = []
            for ((file, description), slot) in zip(zip(files, descriptions), granted) {
                uploaded.append(try put(file, description: description, slot: slot, deadline: deadline))
            }
            return uploaded
        }
    }

    /// The first file over `limit`, with the size it would be uploaded at.
    private func oversized(_ files: [UploadFile], _ descriptions: [HTTPFileUpload.FileDescription], limit: Int64?) -> (UploadFile, Int64)? {
        guard let limit else { return nil }
        return zip(files, descriptions).first { $0.1.size > limit }.map { ($0.0, $0.1.size) }
    }

    private func findService(session: XMPPSession, deadline: Deadline) throws -> HTTPFileUpload.Service {
        guard let service = try HTTPFileUpload.findService(domain: account.settings.jid.domain, session: session, deadline: deadline) else {
            throw Failure(.refused, "\(account.settings.jid.domainpart) offers no HTTP upload service (XEP-0363)")
        }
        diagnostics.progress(
            "upload service \(service.jid)" + (service.maxFileSize.map { ", files up to \($0) bytes" } ?? ", no size limit announced"))
        return service
    }

    private func tooLarge(_ file: UploadFile, size: Int64, limit: Int64, service: HTTPFileUpload.Service) -> Failure {
        let limitText = limit > 0 ? "the limit of \(limit) bytes (\(ProgressBar.bytes(limit)))" : "its limit"
        return Failure(.dataError, "\(file.path) is \(size) bytes, over \(limitText) of the upload service \(service.jid): nothing was uploaded")
    }

    private func put(
        _ file: UploadFile, description: HTTPFileUpload.FileDescription, slot: HTTPFileUpload.Slot, deadline: Deadline
    ) throws -> UploadedFile {
        guard let putURL = HTTPURL(slot.putURL), let getURL = HTTPURL(slot.getURL) else {
            throw Failure(.protocolError, "the upload service gave a slot whose URLs are not http(s) URLs")
        }
        guard getURL.isHTTPS else {
            throw Failure(.noPermission, "the upload service would serve \(file.path) over plain http (\(getURL)): nothing was uploaded")
        }
        if account.settings.insecure {
            diagnostics.warning("--insecure: the certificate of the upload service \(putURL.host) is NOT verified; anyone on the path can read and change \(file.path)")
        }
        let encryption = encrypts ? FileEncryption.random() : nil
        let body = try UploadBody(file: file, encryption: encryption)
        let bar = ProgressBar.isWanted(for: body.length, diagnostics: diagnostics) ? ProgressBar(label: file.name, total: body.length) : nil
        diagnostics.progress("uploading \(file.path) (\(body.length) bytes, \(description.contentType)) to \(putURL.host):\(putURL.port)")
        let response: HTTPTransfer.Response
        do throws(XMPPError) {
            var headers = slot.headers
            headers.append(HTTPHeader(name: "Content-Type", value: description.contentType))
            response = try HTTPTransfer.put(
                putURL, headers: headers, body: body, settings: account.settings,
                userAgent: "xmpp-cli/\(XMPPCLIVersion.current)", deadline: deadline
            ) { sent, _ in
                bar?.update(sent: sent)
                return true
            }
            bar?.finish()
        } catch {
            bar?.finish()
            if let failure = body.failure { throw failure }
            throw error
        }
        diagnostics.progress("\(file.path): \(response.statusLine)")
        return UploadedFile(
            file: file, url: encryption.map { $0.url(for: getURL) } ?? getURL.text, sha256: body.sha256(), isEncrypted: encryption != nil)
    }
}
