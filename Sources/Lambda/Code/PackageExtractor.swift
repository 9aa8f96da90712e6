import BulwarkCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a validated package tree to disk without ever following a symbolic link.
///
/// Every path is walked one component at a time from a descriptor of the destination, each
/// directory opened with `O_NOFOLLOW`; files are created with `O_EXCL`; links are created last.
/// The tree was already checked, so these are a second, independent line of defence: even a
/// tree that slipped through could not make a write land outside the destination.
struct PackageExtractor {
    let zip: Data
    let tree: PackageTree

    func extract(to directory: URL) throws {
        let root = directory.path
        guard mkdir(root, 0o700) == 0 else { throw Self.failure("create", "", errno) }
        do {
            try populate(root)
        } catch {
            // The destination is ours (we just created it), so all of it goes.
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private func populate(_ root: String) throws {
        let rootDescriptor = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard rootDescriptor >= 0 else { throw Self.failure("open", "", errno) }
        defer { close(rootDescriptor) }
        var directories = DirectoryCursor(tree: tree, root: rootDescriptor)
        defer { directories.close() }

        try zip.withUnsafeBytes { bytes in
            let inflater = try ZipInflater()
            for node in tree.nodes.indices.dropFirst() where tree[node].kind != .symlink {
                let parent = try directories.descriptor(for: tree[node].parent)
                switch tree[node].kind {
                case .directory: try makeDirectory(node, in: parent)
                case .file: try writeFile(node, in: parent, from: bytes, with: inflater)
                case .symlink: break
                }
            }
        }
        for node in tree.nodes.indices.dropFirst() where tree[node].kind == .symlink {
            let parent = try directories.descriptor(for: tree[node].parent)
            guard symlinkat(tree[node].target ?? "", parent, tree[node].name) == 0 else {
                throw Self.failure("create the link", tree.path(of: node), errno)
            }
        }
        guard fchmod(rootDescriptor, 0o755) == 0 else { throw Self.failure("set the mode of", "", errno) }
    }

    private func makeDirectory(_ node: Int, in parent: Int32) throws {
        let name = tree[node].name
        guard mkdirat(parent, name, 0o700) == 0 else { throw Self.failure("create", tree.path(of: node), errno) }
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure("open", tree.path(of: node), errno) }
        defer { close(descriptor) }
        guard fchmod(descriptor, mode_t(tree[node].mode)) == 0 else {
            throw Self.failure("set the mode of", tree.path(of: node), errno)
        }
    }

    private func writeFile(
        _ node: Int,
        in parent: Int32,
        from bytes: UnsafeRawBufferPointer,
        with inflater: ZipInflater
    ) throws {
        guard let content = tree[node].content else {
            throw Self.failure("find the content of", tree.path(of: node), EINVAL)
        }
        let descriptor = openat(parent, tree[node].name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("create", tree.path(of: node), errno) }
        defer { close(descriptor) }
        try inflater.inflate(content, in: bytes) { chunk in
            var offset = 0
            while offset < chunk.count {
                let count = write(descriptor, chunk.baseAddress! + offset, chunk.count - offset)
                if count < 0 {
                    guard errno == EINTR else { throw Self.failure("write", tree.path(of: node), errno) }
                    continue
                }
                offset += count
            }
        }
        // fchmod, unlike the mode given to openat, is not narrowed by the umask.
        guard fchmod(descriptor, mode_t(tree[node].mode)) == 0 else {
            throw Self.failure("set the mode of", tree.path(of: node), errno)
        }
    }

    static func failure(_ operation: String, _ path: String, _ code: Int32) -> AWSError {
        let subject = path.isEmpty ? "the destination" : PackageRefusal.quoted(path)
        return AWSError(
            code: "ServiceException",
            message: "Lambda could not \(operation) \(subject) while unpacking the deployment package: "
                + String(cString: strerror(code)),
            status: 500
        )
    }
}

/// Opens the directory a node lives in by walking from the destination's descriptor, one
/// `O_NOFOLLOW` component at a time, keeping the last one open since entries come grouped.
private struct DirectoryCursor {
    let tree: PackageTree
    let root: Int32
    private var cached: (node: Int, descriptor: Int32)?

    init(tree: PackageTree, root: Int32) {
        self.tree = tree
        self.root = root
    }

    mutating func descriptor(for node: Int) throws -> Int32 {
        if node == PackageTree.root { return root }
        if let cached, cached.node == node { return cached.descriptor }
        close()
        var chain: [Int] = []
        var current = node
        while current != PackageTree.root {
            chain.append(current)
            current = tree[current].parent
        }
        var descriptor = root
        for step in chain.reversed() {
            let next = openat(descriptor, tree[step].name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            if descriptor != root { _ = closeDescriptor(descriptor) }
            guard next >= 0 else { throw PackageExtractor.failure("open", tree.path(of: step), code) }
            descriptor = next
        }
        cached = (node, descriptor)
        return descriptor
    }

    mutating func close() {
        if let cached { _ = closeDescriptor(cached.descriptor) }
        cached = nil
    }
}

private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
