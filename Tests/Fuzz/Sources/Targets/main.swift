import CLibFuzzer
import Glibc

// One executable for every fuzz target: FUZZ_TARGET names the one to run, the arguments
// are libFuzzer's own (corpus directories, -max_total_time=..., or files to replay).
guard let name = getenv("FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget.named(name) else {
    let names = FuzzTarget.all.map(\.name).joined(separator: " ")
    writeToStandardError("xmpp-cli-fuzz: set FUZZ_TARGET to one of: \(names)\n")
    exit(2)
}
FuzzTarget.selected = target
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    FuzzTarget.selected.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})
