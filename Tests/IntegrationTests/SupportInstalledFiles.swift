import Foundation
import XCTest

/// What `make install` (scripts/install) installs, and what a folder holds.
enum InstalledFiles {
    /// Where scripts/install puts each file under the prefix, and what it is a copy of.
    static func expected(binary: URL) throws -> [String: URL] {
        let package = SupportPaths.packageRoot
        var files: [String: URL] = [
            "bin/xmpp-cli": binary,
            "share/bash-completion/completions/xmpp-cli": package.appendingPathComponent("completions/xmpp-cli.bash"),
            "share/zsh/site-functions/_xmpp-cli": package.appendingPathComponent("completions/_xmpp-cli"),
            "share/fish/vendor_completions.d/xmpp-cli.fish": package.appendingPathComponent("completions/xmpp-cli.fish"),
        ]
        let pages = try FileManager.default.contentsOfDirectory(atPath: package.appendingPathComponent("man").path)
            .filter { $0.hasSuffix(".1") }
        XCTAssertTrue(pages.contains("xmpp-cli.1"), "no man/xmpp-cli.1 in \(pages)")
        for page in pages {
            files["share/man/man1/\(page)"] = package.appendingPathComponent("man/\(page)")
        }
        return files
    }

    /// Every regular file below `root`, as paths relative to it.
    static func below(_ root: URL) throws -> Set<String> {
        var files: Set<String> = []
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return files }
        while let path = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder),
                !isFolder.boolValue
            {
                files.insert(path)
            }
        }
        return files
    }
}
