/// Validates a whole deployment package, cheapest checks first: structure, then names and the
/// tree, then the sizes the archive declares, then every byte by inflating it, then links.
///
/// Declared sizes are checked against the limits before anything is inflated, so an honest zip
/// bomb is refused without inflating a byte; a dishonest one is stopped at the first chunk that
/// goes past what its header declared. Nothing is written anywhere.
struct PackageScanner {
    let bytes: UnsafeRawBufferPointer
    let limits: DeploymentPackage.Limits

    struct Result {
        var entries: [DeploymentPackage.Entry]
        var entryCount: Int
        var unzippedSize: Int
        var tree: PackageTree
    }

    private struct Item {
        var record: ZipEntryRecord
        var kind: PackageTree.Kind
        var mode: UInt32
        var path: PackagePath
        /// The tree node, or nil for an entry naming the package root (`./`).
        var node: Int?
    }

    func scan() throws -> Result {
        let records = try ZipArchiveReader(bytes: bytes, maxEntries: limits.entryCount).entries()
        guard !records.isEmpty else { throw PackageRefusal.empty }
        var tree = PackageTree()
        let items = try records.map { try place($0, in: &tree) }
        try checkDeclaredSizes(items)

        let inflater = try ZipInflater()
        var entries: [DeploymentPackage.Entry] = []
        entries.reserveCapacity(items.count)
        var unzippedSize = 0
        for index in items.indices {
            let content = try inflate(items[index], with: inflater)
            let size = items[index].record.uncompressedSize  // inflation produced exactly this
            unzippedSize += size
            guard let node = items[index].node else { continue }
            let kind: DeploymentPackage.Entry.Kind
            switch items[index].kind {
            case .directory:
                kind = .directory
            case .file:
                kind = .file
                tree[node].content = items[index].record.location
            case .symlink:
                let target = try linkTarget(content, of: items[index])
                kind = .symbolicLink(target: target)
                tree[node].target = target
            }
            entries.append(.init(path: items[index].path.string, kind: kind, size: size, mode: items[index].mode))
        }
        try tree.checkSymbolicLinks()
        return Result(entries: entries, entryCount: records.count, unzippedSize: unzippedSize, tree: tree)
    }

    // MARK: - Kinds, paths and the tree

    private func place(_ record: ZipEntryRecord, in tree: inout PackageTree) throws -> Item {
        let (path, namesDirectory) = try PackagePath.parse(record.name, limits: limits)
        let (kind, mode) = try Self.kindAndMode(of: record, namesDirectory: namesDirectory)
        var item = Item(record: record, kind: kind, mode: mode, path: path, node: nil)
        if path.components.isEmpty {
            guard kind == .directory else { throw PackageRefusal.badPath(record.name, "names the package root") }
        } else {
            item.node = try tree.insert(path, kind: kind, mode: mode)
            guard tree.nodes.count - 1 <= limits.entryCount else {
                throw PackageRefusal.tooManyEntries(limit: limits.entryCount)
            }
        }
        return item
    }

    /// What an entry is and the permission bits it gets, from the Unix mode when a Unix-like
    /// host wrote one, otherwise from the name and the MS-DOS directory flag.
    static func kindAndMode(of record: ZipEntryRecord, namesDirectory: Bool) throws -> (PackageTree.Kind, UInt32) {
        guard let mode = record.unixMode else {
            return namesDirectory || record.dosDirectory ? (.directory, 0o755) : (.file, 0o644)
        }
        let permissions = mode & 0o755  // never setuid, setgid, sticky, or group/other-writable
        switch mode & 0o170000 {
        case 0o040000:
            return (.directory, permissions | 0o700)
        case 0o100000 where !namesDirectory:
            return (.file, permissions)
        case 0o120000 where !namesDirectory:
            return (.symlink, 0o777)
        case 0o100000, 0o120000:
            throw PackageRefusal.badPath(record.name, "ends with '/' but is not a directory")
        case 0:
            // Permission bits without a file type: the name tells.
            return namesDirectory ? (.directory, permissions | 0o700) : (.file, permissions)
        default:
            throw PackageRefusal.unsupportedType(record.name)
        }
    }

    // MARK: - Sizes

    /// Refuses on the sizes the archive declares, before inflating anything; inflation then
    /// holds every entry to its declared size.
    private func checkDeclaredSizes(_ items: [Item]) throws {
        var total = 0
        for item in items {
            let (sum, overflow) = total.addingReportingOverflow(item.record.uncompressedSize)
            guard !overflow, sum < limits.unzippedSize else {
                throw PackageRefusal.unzippedTooLarge(limit: limits.unzippedSize)
            }
            total = sum
            switch item.kind {
            case .directory:
                guard item.record.uncompressedSize == 0 else { throw PackageRefusal.couldNotUnzip }
            case .symlink:
                guard (1...limits.pathLength).contains(item.record.uncompressedSize) else {
                    throw PackageRefusal.symlinkTargetLength(item.path.string, limit: limits.pathLength)
                }
            case .file:
                break
            }
            guard !exceedsRatio(item.record.uncompressedSize, item.record.compressedSize, limits.compressionRatio)
            else {
                throw PackageRefusal.compressionRatio(item.record.name, limit: limits.compressionRatio)
            }
        }
        guard !exceedsRatio(total, bytes.count, limits.overallCompressionRatio) else {
            throw PackageRefusal.overallCompressionRatio(limit: limits.overallCompressionRatio)
        }
    }

    private func exceedsRatio(_ output: Int, _ input: Int, _ ratio: Int) -> Bool {
        guard output > limits.ratioExemptSize else { return false }
        let (bound, overflow) = max(input, 1).multipliedReportingOverflow(by: ratio)
        return !overflow && output > bound
    }

    // MARK: - Content

    /// Inflates an entry, keeping a link's target; the inflater holds it to its declared size.
    private func inflate(_ item: Item, with inflater: ZipInflater) throws -> [UInt8] {
        var target: [UInt8] = []
        try inflater.inflate(item.record.location, in: bytes) { chunk in
            if item.kind == .symlink { target.append(contentsOf: chunk) }
        }
        return target
    }

    private func linkTarget(_ bytes: [UInt8], of item: Item) throws -> String {
        let path = item.path.string
        let shown = String(decoding: bytes, as: UTF8.self)
        guard !bytes.contains(0), !bytes.contains(UInt8(ascii: "\\")),
            let target = String(validating: bytes, as: UTF8.self)
        else {
            throw PackageRefusal.badSymlink(path, target: shown, "contains a NUL byte, a backslash or invalid UTF-8")
        }
        guard !target.hasPrefix("/") else { throw PackageRefusal.badSymlink(path, target: target, "is absolute") }
        return target
    }
}
