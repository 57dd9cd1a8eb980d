internal import CLibXML2
import Glibc

/// The only door to libxml2: a SAX2 push parser whose callbacks drive an `XMLTreeBuilder`.
///
/// Everything RFC 6120 §11 forbids is refused from inside the callbacks, which then halt
/// libxml2 with `xmlStopParser`: DTDs and internal subsets (so no entity is ever declared,
/// hence none can be expanded: no "billion laughs"), comments, processing instructions, and
/// references to any entity except the five predefined ones, which libxml2 resolves itself
/// without asking. External resources are never loaded: no `XML_PARSE_NOENT`, no DTD
/// loading, `XML_PARSE_NONET`, and `resolveEntity` answers nothing.
final class LibXML2SAXParser {
    private let context: xmlParserCtxtPtr?
    private let bridge: SAXBridge

    init(builder: XMLTreeBuilder) {
        xmlInitParser()
        xmppcli_silence_libxml2_generic_errors()
        bridge = SAXBridge(builder: builder)
        var handler = Self.makeHandler()
        context = xmlCreatePushParserCtxt(
            &handler, Unmanaged.passUnretained(bridge).toOpaque(), nil, 0, nil)
        guard let context else {
            builder.fail(.malformed(message: "libxml2 could not create a parser", line: 0, column: 0))
            return
        }
        // The encoding declaration is ignored: XMPP is UTF-8 only (RFC 6120 §11.6). Without
        // XML_PARSE_NOENT, XML_PARSE_DTDLOAD and XML_PARSE_DTDVALID, entities are not
        // substituted and no DTD is loaded or validated against.
        let options = XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue
            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
        xmlCtxtUseOptions(context, Int32(options))
        bridge.context = context
        builder.locate = { [unowned bridge] in bridge.position }
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
    }

    /// Bytes consumed by libxml2 up to the last point where no stanza was open.
    var consumedAtLastBoundary: Int { bridge.consumedAtLastBoundary }

    /// Bytes consumed by libxml2 so far; those given to it beyond these it holds unparsed.
    var consumed: Int { context.map { Int(xmlByteConsumed($0)) } ?? 0 }

    var position: (line: Int, column: Int) { bridge.position }

    /// Parses one chunk; returns the error that ends the stream, if any.
    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> XMLStreamError? {
        guard let context else { return bridge.builder.failure }
        let status = bytes.withMemoryRebound(to: CChar.self) {
            xmlParseChunk(context, $0.baseAddress, Int32($0.count), 0)
        }
        if let failure = bridge.builder.failure { return failure }
        if let error = bridge.libxmlError {
            bridge.stop()
            return error
        }
        // A nonzero status from a mere warning is not a failure.
        if status != 0, let last = xmlCtxtGetLastError(context), last.pointee.level.rawValue >= XML_ERR_ERROR.rawValue {
            let (line, column) = position
            let message = last.pointee.message.map { SAXBridge.oneLine(String(cString: $0)) }
                ?? "not well-formed (libxml2 error \(status))"
            bridge.stop()
            return .malformed(message: message, line: line, column: column)
        }
        return nil
    }

    // MARK: - The SAX handler

    private static func makeHandler() -> xmlSAXHandler {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { ctx, localName, prefix, uri, namespaceCount, namespaces,
            attributeCount, _, attributes in
            SAXBridge.from(ctx).startElement(
                localName: localName, uri: uri, namespaceCount: Int(namespaceCount),
                namespaces: namespaces, attributeCount: Int(attributeCount),
                attributes: attributes)
        }
        handler.endElementNs = { ctx, _, _, _ in SAXBridge.from(ctx).endElement() }
        handler.characters = { ctx, bytes, length in
            SAXBridge.from(ctx).characters(bytes, Int(length))
        }
        // Blanks and CDATA sections are plain character data to XMPP.
        handler.ignorableWhitespace = handler.characters
        handler.cdataBlock = handler.characters
        handler.comment = { ctx, _ in SAXBridge.from(ctx).restrict("comment") }
        handler.processingInstruction = { ctx, target, _ in
            SAXBridge.from(ctx).restrict("processing instruction <?\(SAXBridge.string(target))?>")
        }
        handler.internalSubset = { ctx, _, _, _ in SAXBridge.from(ctx).restrict("DTD") }
        handler.externalSubset = { ctx, _, _, _ in SAXBridge.from(ctx).restrict("DTD") }
        handler.elementDecl = { ctx, _, _, _ in SAXBridge.from(ctx).restrict("DTD") }
        handler.attributeDecl = { ctx, _, _, _, _, _, _ in SAXBridge.from(ctx).restrict("DTD") }
        handler.notationDecl = { ctx, _, _, _ in SAXBridge.from(ctx).restrict("notation declaration") }
        handler.entityDecl = { ctx, _, _, _, _, _ in
            SAXBridge.from(ctx).restrict("entity declaration")
        }
        handler.unparsedEntityDecl = { ctx, _, _, _, _ in
            SAXBridge.from(ctx).restrict("entity declaration")
        }
        // libxml2 resolves amp, lt, gt, quot and apos before asking: anything asked for here
        // is another entity.
        handler.getEntity = { ctx, name in
            SAXBridge.from(ctx).restrict("entity reference &\(SAXBridge.string(name));")
            return nil
        }
        handler.getParameterEntity = { ctx, name in
            SAXBridge.from(ctx).restrict("parameter entity reference %\(SAXBridge.string(name));")
            return nil
        }
        handler.reference = { ctx, name in
            SAXBridge.from(ctx).restrict("entity reference &\(SAXBridge.string(name));")
        }
        handler.resolveEntity = { ctx, _, _ in
            SAXBridge.from(ctx).restrict("external entity")
            return nil
        }
        handler.serror = { ctx, error in SAXBridge.from(ctx).record(error) }
        return handler
    }
}

/// The Swift object libxml2 calls back into, reached through the context's user data.
private final class SAXBridge {
    let builder: XMLTreeBuilder
    var context: xmlParserCtxtPtr?
    /// The first error libxml2 reported; turned into `.malformed` once the chunk returns,
    /// since halting from inside the error handler could free input libxml2 still reads.
    var libxmlError: XMLStreamError?
    // Exempt from the run-time exclusivity checks, as the builder's state (XMLTreeBuilder):
    // touched by the callbacks only, one at a time on one thread.
    @exclusivity(unchecked) var consumedAtLastBoundary = 0
    private var stopped = false

    init(builder: XMLTreeBuilder) {
        self.builder = builder
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> SAXBridge {
        Unmanaged<SAXBridge>.fromOpaque(pointer!).takeUnretainedValue()
    }

    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline)
            .map { line in line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    var position: (line: Int, column: Int) {
        guard let context else { return (0, 0) }
        let raw = UnsafeMutableRawPointer(context)
        return (Int(xmlSAX2GetLineNumber(raw)), Int(xmlSAX2GetColumnNumber(raw)))
    }

    private var isActive: Bool { !stopped && libxmlError == nil && builder.failure == nil }

    /// Halts libxml2; called last in a callback, after every argument has been copied.
    func stop() {
        guard !stopped, let context else { return }
        stopped = true
        xmlStopParser(context)
    }

    /// Stops on a builder failure; otherwise notes a boundary if no stanza is open.
    private func afterCallback() {
        if builder.failure != nil {
            stop()
        } else if builder.isBetweenStanzas, let context {
            consumedAtLastBoundary = Int(xmlByteConsumed(context))
        }
    }

    func restrict(_ construct: String) {
        guard isActive else { return }
        let (line, column) = position
        builder.fail(.restricted(construct, line: line, column: column))
        stop()
    }

    func record(_ error: xmlErrorPtr?) {
        guard let error, libxmlError == nil, builder.failure == nil,
            error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue
        else { return }
        let message = error.pointee.message.map { Self.oneLine(String(cString: $0)) }
            ?? "not well-formed"
        libxmlError = .malformed(
            message: message, line: Int(error.pointee.line), column: Int(error.pointee.int2))
    }

    func startElement(
        localName: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, namespaceCount: Int,
        namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard isActive else { return }
        if builder.isInUnreadStanza {
            builder.startUnreadElement()
            afterCallback()
            return
        }
        if builder.readsElement != nil, builder.isBetweenStanzas,
            startsUnreadStanza(localName: localName, uri: uri, attributeCount: attributeCount, attributes: attributes)
        {
            afterCallback()
            return
        }
        var defaultNamespace: String?
        for index in 0..<namespaceCount where namespaces?[2 * index] == nil {
            defaultNamespace = namespaces?[2 * index + 1].map(namespaceName)
        }
        var parsed: [XMLAttribute] = []
        parsed.reserveCapacity(attributeCount)
        for index in 0..<attributeCount {
            // Five pointers per attribute: local name, prefix, URI, value start, value end.
            guard let fields = attributes?.advanced(by: 5 * index),
                let local = fields[0], let start = fields[3], let end = fields[4]
            else { continue }
            var name = self.name(local)
            var namespace: String?
            if let prefix = fields[1] {
                let prefixString = self.name(prefix)
                name = prefixString + ":" + name
                if prefixString != "xml" { namespace = fields[2].map(namespaceName) }
            }
            let value = Self.decodeAttributeValue(UnsafeBufferPointer(start: start, count: end - start))
            parsed.append(XMLAttribute(name: name, value: value, namespace: namespace))
        }
        builder.startElement(
            name: localName.map(name) ?? "", namespace: uri.map(namespaceName) ?? "",
            attributes: parsed, defaultNamespace: defaultNamespace)
        afterCallback()
    }

    /// Asks the builder whether anyone reads the stanza that starts, with its attributes
    /// decoded only as the question needs them.
    private func startsUnreadStanza(
        localName: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) -> Bool {
        let value = { (wanted: String) -> String? in
            for index in 0..<attributeCount {
                guard let fields = attributes?.advanced(by: 5 * index),
                    let local = fields[0], let start = fields[3], let end = fields[4],
                    Self.qualifiedName(prefix: fields[1], local: local, is: wanted)
                else { continue }
                return Self.decodeAttributeValue(UnsafeBufferPointer(start: start, count: end - start))
            }
            return nil
        }
        return withoutActuallyEscaping(value) { value in
            builder.startsUnreadStanza(XMLElementStart(
                name: localName.map(name) ?? "", namespace: uri.map(namespaceName) ?? "", attribute: value))
        }
    }

    /// Whether `prefix:local` (or `local` without a prefix) is `wanted`, without making it a string.
    private static func qualifiedName(prefix: UnsafePointer<xmlChar>?, local: UnsafePointer<xmlChar>, is wanted: String) -> Bool {
        var wanted = wanted
        return wanted.withUTF8 { bytes in
            var offset = 0
            if let prefix {
                let length = Int(xmlStrlen(prefix))
                guard length + 1 < bytes.count, memcmp(bytes.baseAddress!, prefix, length) == 0,
                    bytes[length] == UInt8(ascii: ":")
                else { return false }
                offset = length + 1
            }
            let length = Int(xmlStrlen(local))
            return length == bytes.count - offset && memcmp(bytes.baseAddress! + offset, local, length) == 0
        }
    }

    func endElement() {
        guard isActive else { return }
        builder.endElement()
        // A stanza just ended: its size as received, whatever the chunking was.
        if builder.isBetweenStanzas, let context,
            Int(xmlByteConsumed(context)) - consumedAtLastBoundary > builder.limits.maxStanzaBytes
        {
            builder.fail(.stanzaTooLarge(limit: builder.limits.maxStanzaBytes))
        }
        afterCallback()
    }

    func characters(_ bytes: UnsafePointer<xmlChar>?, _ length: Int) {
        guard isActive, let bytes, length > 0 else { return }
        builder.characters(UnsafeBufferPointer(start: bytes, count: length))
        afterCallback()
    }

    /// A namespace name is an attribute value too, handed over the same way.
    func namespaceName(_ pointer: UnsafePointer<xmlChar>) -> String {
        recentNamespaces.string(at: pointer, decode: Self.decodeAttributeValue)
    }

    /// An element's or attribute's name, or a prefix.
    func name(_ pointer: UnsafePointer<xmlChar>) -> String {
        recentNames.string(at: pointer) { String(decoding: $0, as: UTF8.self) }
    }

    @exclusivity(unchecked) private var recentNamespaces = RecentStrings(capacity: 4)
    @exclusivity(unchecked) private var recentNames = RecentStrings(capacity: 16)

    /// Without entity substitution libxml2 hands attribute values over with every `&`
    /// (from `&amp;`, `&#38;` or `&#x26;`) written as `&#38;`, and no other `&` can remain.
    static func decodeAttributeValue(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "&")), bytes.count) != nil else {
            return String(decoding: bytes, as: UTF8.self)
        }
        let encodedAmpersand = Array("&#38;".utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&"),
                bytes.count - index >= encodedAmpersand.count,
                bytes[index..<index + encodedAmpersand.count].elementsEqual(encodedAmpersand)
            {
                decoded.append(UInt8(ascii: "&"))
                index += encodedAmpersand.count
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}

/// The strings made of the last few names libxml2 handed over, with the bytes they were
/// made of. A stream uses a handful of element, attribute and namespace names, so most come
/// again, and one that does is the same string, not a new one. libxml2 hands names over
/// from its dictionary, where each keeps its address: that address is looked for first,
/// and the bytes are compared whichever entry is found.
private struct RecentStrings {
    private var entries: [(address: UnsafePointer<xmlChar>, bytes: [UInt8], string: String)] = []
    private var oldest = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func string(at pointer: UnsafePointer<xmlChar>, decode: (UnsafeBufferPointer<UInt8>) -> String) -> String {
        let length = Int(xmlStrlen(pointer))
        func holds(_ entry: (address: UnsafePointer<xmlChar>, bytes: [UInt8], string: String)) -> Bool {
            entry.bytes.count == length
                && (length == 0 || entry.bytes.withUnsafeBufferPointer { memcmp($0.baseAddress!, pointer, length) == 0 })
        }
        if let entry = entries.first(where: { $0.address == pointer }), holds(entry) { return entry.string }
        if let entry = entries.first(where: holds) { return entry.string }
        let bytes = UnsafeBufferPointer(start: pointer, count: length)
        let string = decode(bytes)
        if entries.count < capacity {
            entries.append((pointer, Array(bytes), string))
        } else {
            entries[oldest] = (pointer, Array(bytes), string)
            oldest = (oldest + 1) % capacity
        }
        return string
    }
}
