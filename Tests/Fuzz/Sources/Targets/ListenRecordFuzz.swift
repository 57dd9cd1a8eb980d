import FoundationEssentials
@testable import Commands
import XMPPProtocol

/// `listen`'s records of any stanza: the input is parsed as stanzas by the XML parser,
/// each made a record as `Listener` does (carbons unwrapped, a joined room) and rendered in
/// every format. Promises checked: a text record is one line plus continuation lines
/// indented by two spaces; JSON is one line of valid JSON; XML is one line that parses
/// back to the stanza; none holds a character a terminal would act on.
enum ListenRecordFuzz {
    static let account = try! JID("me@example.org/cli")
    static let rooms: Set<JID> = [try! JID("room@conference.example.org")]

    static func run(_ bytes: [UInt8]) {
        let parser = XMLFragmentParser()
        var stanzas: [XMLElement] = []
        do {
            stanzas = try parser.feed(bytes)
        } catch {
            stanzas = parser.completedBeforeFailure
        }
        for stanza in stanzas {
            guard let record = record(of: stanza) else { continue }
            requireText(RecordFormat.text.render(record))
            requireJSON(RecordFormat.json.render(record))
            requireXML(RecordFormat.xml.render(record), of: record.stanza)
        }
    }

    static func record(of stanza: XMLElement) -> IncomingRecord? {
        switch stanza.name {
        case "message":
            switch Carbons.unwrap(stanza, account: account) {
            case .notACarbon: return .message(stanza, rooms: rooms, carbon: nil)
            case .forged: return nil
            case .carbon(let inner, let direction): return .message(inner, rooms: rooms, carbon: direction)
            }
        case "presence": return .presence(stanza)
        case "iq": return .iq(stanza)
        default: return nil
        }
    }

    static func requireText(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        require(!lines[0].isEmpty && !lines[0].hasPrefix(" "), "a text record starts with \(lines[0].debugDescription)")
        for line in lines.dropFirst() {
            require(line.hasPrefix("  "), "the text record \(text.debugDescription) has a line not indented")
        }
        requireNoRawControls(text.replacing("\n", with: ""), "the text record")
    }

    static func requireJSON(_ json: String) {
        require(!json.contains("\n"), "the JSON record \(json.debugDescription) is not one line")
        requireNoRawControls(json, "the JSON record")
        do {
            _ = try JSONDecoder().decode([String: AnyJSON].self, from: Data(json.utf8))
        } catch {
            require(false, "the JSON record \(json.debugDescription) does not parse: \(error)")
        }
    }

    static func requireXML(_ xml: String, of stanza: XMLElement) {
        require(!xml.contains("\n") && !xml.contains("\r"), "the XML record \(xml.debugDescription) is not one line")
        // XML keeps tabs and DEL raw (they mean nothing to a line reader); the rest must be references.
        requireNoRawControls(xml.replacing("\t", with: "").replacing("\u{7F}", with: ""), "the XML record")
        let parser = XMLFragmentParser()
        do {
            let parsed = try parser.feed(Array(xml.utf8))
            try parser.finish()
            require(parsed == [stanza], "the XML record \(xml.debugDescription) parses as \(parsed), not as \(stanza)")
        } catch {
            require(false, "the XML record \(xml.debugDescription) does not parse: \(error)")
        }
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    static func requireNoRawControls(_ text: String, _ what: String) {
        require(!text.unicodeScalars.contains {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}"
        }, "\(what) \(text.debugDescription) holds a raw control character")
    }

    /// Any JSON value, to check that a record parses.
    enum AnyJSON: Decodable {
        case value

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .value; return }
            if (try? container.decode(Bool.self)) != nil { self = .value; return }
            if (try? container.decode(Int.self)) != nil { self = .value; return }
            if (try? container.decode(String.self)) != nil { self = .value; return }
            if (try? container.decode([AnyJSON].self)) != nil { self = .value; return }
            _ = try container.decode([String: AnyJSON].self)
            self = .value
        }
    }
}
