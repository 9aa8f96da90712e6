/// The tree a deployment package unpacks to, built entry by entry.
///
/// It refuses what cannot be unpacked faithfully and safely: a path listed twice, an entry
/// inside a file or inside a symbolic link (the way an archive writes through a link it just
/// created), and a symbolic link that resolves, through any chain of other links, outside the
/// package. Nodes are kept in creation order, so a parent always precedes its children.
struct PackageTree: Sendable {
    enum Kind: Sendable, Hashable {
        case directory, file, symlink
    }

    struct Node: Sendable {
        var parent: Int
        var name: String
        var kind: Kind
        /// Permission bits to give the unpacked node.
        var mode: UInt32
        /// Whether an entry names the node, rather than it being implied by a deeper path.
        var isListed: Bool
        var children: [String: Int] = [:]
        /// Where a file's content lies in the archive.
        var content: ZipEntryLocation?
        /// A symbolic link's target.
        var target: String?
    }

    static let root = 0
    /// How many symbolic links one resolution may pass through, as Linux's `MAXSYMLINKS`.
    static let maxLinkDepth = 40

    private(set) var nodes = [Node(parent: root, name: "", kind: .directory, mode: 0o755, isListed: true)]

    subscript(node: Int) -> Node {
        get { nodes[node] }
        set { nodes[node] = newValue }
    }

    /// Adds the entry at `path` (not the root) and returns its node.
    mutating func insert(_ path: PackagePath, kind: Kind, mode: UInt32) throws -> Int {
        var current = Self.root
        for (depth, component) in path.components.enumerated() {
            let isLast = depth == path.components.count - 1
            if let existing = nodes[current].children[component] {
                if isLast {
                    // A directory implied by an earlier path may be listed once, later.
                    guard kind == .directory, nodes[existing].kind == .directory, !nodes[existing].isListed else {
                        throw PackageRefusal.duplicatePath(path.string)
                    }
                    nodes[existing].isListed = true
                    nodes[existing].mode = mode
                    return existing
                }
                guard nodes[existing].kind == .directory else {
                    let parent = path.components[...depth].joined(separator: "/")
                    throw PackageRefusal.insideNonDirectory(path.string, parent: parent)
                }
                current = existing
            } else {
                let node = nodes.count
                nodes.append(
                    Node(
                        parent: current,
                        name: component,
                        kind: isLast ? kind : .directory,
                        mode: isLast ? mode : 0o755,
                        isListed: isLast
                    )
                )
                nodes[current].children[component] = node
                current = node
            }
        }
        return current
    }

    /// The package-relative path of a node.
    func path(of node: Int) -> String {
        var names: [String] = []
        var current = node
        while current != Self.root {
            names.append(nodes[current].name)
            current = nodes[current].parent
        }
        return names.reversed().joined(separator: "/")
    }

    // MARK: - Symbolic links

    private struct Location {
        var node: Int
        /// How many components past `node` the walk has gone into names that do not exist.
        var missingDepth: Int
    }

    private enum Resolution {
        case resolving
        case resolved(Location, depth: Int)
    }

    /// Checks that every symbolic link resolves inside the package, the way the kernel would
    /// walk it from the package root: relative to the link's directory, following other links,
    /// and taking `..` to the physical parent.
    func checkSymbolicLinks() throws {
        var resolutions: [Int: Resolution] = [:]
        for node in nodes.indices where nodes[node].kind == .symlink {
            _ = try resolve(node, &resolutions, level: 1)
        }
    }

    private func resolve(_ link: Int, _ resolutions: inout [Int: Resolution], level: Int) throws -> (Location, Int) {
        let target = nodes[link].target ?? ""
        switch resolutions[link] {
        case .resolved(let location, let depth): return (location, depth)
        case .resolving: throw PackageRefusal.badSymlink(path(of: link), target: target, "forms a loop")
        case nil: break
        }
        guard level <= Self.maxLinkDepth else {
            throw PackageRefusal.badSymlink(path(of: link), target: target, "passes through too many links")
        }
        resolutions[link] = .resolving
        var location = Location(node: nodes[link].parent, missingDepth: 0)
        var depth = 1
        for component in target.split(separator: "/") where component != "." {
            if component == ".." {
                if location.missingDepth > 0 {
                    location.missingDepth -= 1
                } else if location.node == Self.root {
                    throw PackageRefusal.badSymlink(path(of: link), target: target, "leads outside the package")
                } else {
                    location.node = nodes[location.node].parent
                }
                continue
            }
            // A name that does not exist (or lies under a file) cannot be followed at run time;
            // keep walking lexically so that a later `..` is still counted.
            guard location.missingDepth == 0, nodes[location.node].kind == .directory,
                let child = nodes[location.node].children[String(component)]
            else {
                location.missingDepth += 1
                continue
            }
            if nodes[child].kind == .symlink {
                let (resolved, childDepth) = try resolve(child, &resolutions, level: level + 1)
                location = resolved
                depth = max(depth, childDepth + 1)
                guard depth <= Self.maxLinkDepth else {
                    throw PackageRefusal.badSymlink(path(of: link), target: target, "passes through too many links")
                }
            } else {
                location.node = child
            }
        }
        resolutions[link] = .resolved(location, depth: depth)
        return (location, depth)
    }
}
