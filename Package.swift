// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: xmpp-cli -> Commands -> XMPPProtocol -> C shims.
// See ARCHITECTURE.md for what each target is for and may import.
let package = Package(
    name: "xmpp-cli",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "xmpp-cli", targets: ["xmpp-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, one system-library target each.
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CLibEdit", path: "Sources/CLibEdit", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]),
        // libomemo-c: the Signal protocol's sessions for OMEMO (GPL-3.0); its only door is
        // Protocol/OMEMO.
        .systemLibrary(
            name: "COMEMO", path: "Sources/COMEMO", pkgConfig: "libomemo-c",
            providers: [.apt(["libomemo-c-dev"])]),
        // libcurl (OpenSSL flavour, libcurl4-openssl-dev for its headers): the HTTP PUT of
        // XEP-0363 uploads, loaded with dlopen on first use (see its header); its only door
        // is Protocol/HTTP/HTTPTransfer.swift.
        .target(name: "CCurl", path: "Sources/CCurl"),
        // glibc's stub resolver (res_query) for DNS SRV look-ups; part of libc6-dev.
        .systemLibrary(name: "CResolv", path: "Sources/CResolv"),
        // The only async-signal-safe code: the signal handler. Its only door is
        // Commands/Support/Signals.swift.
        .target(name: "CSignals", path: "Sources/CSignals"),

        // The synchronous XMPP core: no argument parsing, no terminal code, no exit codes.
        .target(
            name: "XMPPProtocol",
            dependencies: ["COpenSSL", "CLibXML2", "CResolv", "COMEMO", "CCurl"],
            path: "Sources/Protocol"),
        // The subcommands: options, input, output and exit codes.
        .target(
            name: "Commands",
            dependencies: [
                "XMPPProtocol",
                "CLibEdit",
                "CSignals",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Commands"),
        .executableTarget(
            name: "xmpp-cli",
            dependencies: ["Commands"],
            path: "Sources/xmpp-cli"),

        // Unit tests: no network, no server.
        .testTarget(
            name: "ProtocolTests",
            dependencies: ["XMPPProtocol"],
            path: "Tests/ProtocolTests"),
        .testTarget(
            name: "CommandsTests",
            dependencies: ["Commands", "XMPPProtocol"],
            path: "Tests/CommandsTests"),
        // Integration tests: a real Prosody started by the tests, slixmpp as the peer,
        // and a scripted fake server; they run the built xmpp-cli binary, and drive the
        // core directly where a stage has no command of its own yet (SASL2).
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["XMPPProtocol"],
            path: "Tests/IntegrationTests",
            resources: []),
    ]
)

// The libFuzzer targets (Tests/Fuzz, run by scripts/fuzz and `make fuzz`) exist only in the
// fuzzing build, which scripts/fuzz makes with XMPP_CLI_FUZZ=1 in a scratch path of its own:
// they link libFuzzer, which only `-sanitize=fuzzer` provides.
if Context.environment["XMPP_CLI_FUZZ"] == "1" {
    package.targets += [
        .systemLibrary(name: "CLibFuzzer", path: "Tests/Fuzz/Sources/CLibFuzzer"),
        .executableTarget(
            name: "xmpp-cli-fuzz",
            dependencies: ["CLibFuzzer", "Commands", "XMPPProtocol"],
            path: "Tests/Fuzz/Sources/Targets"),
    ]
}
