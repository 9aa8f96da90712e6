/// The path of an entry inside a deployment package: relative, `/`-separated, without empty,
/// `.` or `..` components.
///
/// `..` is refused even where it stays inside the package lexically (`a/../b`): once symbolic
/// links exist, `a/..` is not necessarily the package root, so the only safe `..` is none.
struct PackagePath: Hashable, Sendable {
    let components: [String]

    var string: String { components.joined(separator: "/") }

    /// The validated path of an entry's raw name, and whether the name marks a directory (a
    /// trailing `/`). The path is empty for the package root itself (`./`).
    static func parse(
        _ name: [UInt8], limits: DeploymentPackage.Limits
    ) throws -> (path: PackagePath, isDirectory: Bool) {
        guard !name.isEmpty else { throw PackageRefusal.badPath(name, "is empty") }
        // The raw name may carry `./` prefixes and doubled slashes; twice the limit bounds the work.
        guard name.count <= 2 * limits.pathLength else {
            throw PackageRefusal.badPath(name, "is longer than \(limits.pathLength) bytes")
        }
        guard !name.contains(0) else { throw PackageRefusal.badPath(name, "contains a NUL byte") }
        guard !name.contains(UInt8(ascii: "\\")) else {
            throw PackageRefusal.badPath(name, "contains a backslash")
        }
        guard name.first != UInt8(ascii: "/") else { throw PackageRefusal.badPath(name, "is absolute") }
        if name.count >= 2, name[1] == UInt8(ascii: ":"),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(name[0] & 0xDF)
        {
            throw PackageRefusal.badPath(name, "starts with a drive letter")
        }
        guard let text = String(validating: name, as: UTF8.self) else {
            throw PackageRefusal.badPath(name, "is not valid UTF-8")
        }
        var components: [String] = []
        for component in text.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
            guard component != ".." else { throw PackageRefusal.badPath(name, "contains '..'") }
            guard component.utf8.count <= limits.pathComponentLength else {
                throw PackageRefusal.badPath(name, "has a component longer than \(limits.pathComponentLength) bytes")
            }
            components.append(String(component))
        }
        let path = PackagePath(components: components)
        guard path.string.utf8.count <= limits.pathLength else {
            throw PackageRefusal.badPath(name, "is longer than \(limits.pathLength) bytes")
        }
        return (path, name.last == UInt8(ascii: "/"))
    }
}
