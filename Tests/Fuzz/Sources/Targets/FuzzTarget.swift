import Glibc

@testable import Commands

/// One fuzz target: a name (also the directory of its seed corpus, `Tests/Fuzz/NAME`) and a
/// function that takes any bytes and stops the process, through `require`, when the code
/// under test breaks one of its promises. Crashes, hangs and leaks libFuzzer sees itself.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "xml-stream", run: XMLStreamFuzz.run),
        FuzzTarget(name: "xml-fragment", run: XMLFragmentFuzz.run),
        FuzzTarget(name: "scram", run: SCRAMFuzz.run),
        FuzzTarget(name: "jid", run: JIDFuzz.run),
        FuzzTarget(name: "dns", run: DNSFuzz.run),
        FuzzTarget(name: "config", run: ConfigFuzz.run),
        FuzzTarget(name: "sendxmpp-rc", run: SendxmppRCFuzz.run),
        FuzzTarget(name: "listen-record", run: ListenRecordFuzz.run),
        FuzzTarget(name: "proxy", run: ProxyFuzz.run),
        FuzzTarget(name: "omemo", run: OMEMOFuzz.run),
        FuzzTarget(name: "upload", run: UploadFuzz.run),
        FuzzTarget(name: "archive", run: ArchiveFuzz.run),
    ]

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    /// The target of this run, set once before libFuzzer starts calling it.
    nonisolated(unsafe) static var selected = all[0]
}

/// Stops the process with `message` (libFuzzer then saves the input) unless `condition` holds.
func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition() else { return }
    writeToStandardError("fuzz invariant broken at \(file):\(line): \(message())\n")
    abort()
}

func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}

/// Deterministic choices drawn from the input itself (FNV-1a of the bytes seeds a
/// SplitMix64), so that a saved input replays exactly and every mutation of the input also
/// changes how it is cut into chunks.
struct InputChoices {
    private var state: UInt64

    init(_ bytes: [UInt8], salt: UInt64 = 0) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ salt
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range`.
    mutating func number(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// `bytes` cut into consecutive chunks: mostly tiny ones (a byte, a split UTF-8
    /// sequence, half a tag), now and then large ones, and empty ones too.
    mutating func chunks(of bytes: [UInt8]) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let length = switch next() % 8 {
            case 0: 0
            case 1, 2, 3: number(in: 1...3)
            case 4, 5: number(in: 4...16)
            case 6: number(in: 17...256)
            default: bytes.count
            }
            let end = min(bytes.count, start + length)
            chunks.append(Array(bytes[start..<end]))
            start = end
        }
        return chunks
    }
}

/// What the program would write of `text` to stderr (the core quotes untrusted text as it
/// came; `Diagnostics` escapes it) holds nothing a terminal acts on: no control characters,
/// no line or paragraph separator, no bidirectional control.
func requireSafeOnStandardError(_ text: String, _ what: String) {
    let shown = Diagnostics.singleLine(text)
    require(!shown.unicodeScalars.contains {
        $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}" || $0.properties.isBidiControl
    }, "\(what) \(shown.debugDescription) reaches stderr with characters a terminal acts on")
}
