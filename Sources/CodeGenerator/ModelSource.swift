import Foundation

/// Finds and reads a service model in botocore's data directory
/// (`<data>/<service>/<apiVersion>/service-2.json`, usually gzipped).
struct ModelSource {
    let dataDirectory: String

    func load(service: String, apiVersion: String) throws -> BotocoreModel {
        let base = URL(fileURLWithPath: dataDirectory).appendingPathComponent(service)
            .appendingPathComponent(apiVersion)
        let plain = base.appendingPathComponent("service-2.json")
        let gzipped = base.appendingPathComponent("service-2.json.gz")
        let bytes: [UInt8]
        if FileManager.default.fileExists(atPath: plain.path) {
            bytes = try [UInt8](Data(contentsOf: plain))
        } else if FileManager.default.fileExists(atPath: gzipped.path) {
            bytes = try gunzip(gzipped)
        } else {
            throw CodegenError("no model for \(service) \(apiVersion): neither \(plain.path) nor \(gzipped.path) exists")
        }
        do {
            return try BotocoreModel(json: OrderedJSON.parse(bytes))
        } catch let error as CodegenError {
            throw CodegenError("\(service)/\(apiVersion): \(error.description)")
        }
    }

    /// Foundation has no gzip reader, and gzip is on every machine that has botocore.
    private func gunzip(_ file: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Read before waiting: the pipe buffer is smaller than most models.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CodegenError("gzip -dc \(file.path) failed with status \(process.terminationStatus)")
        }
        return [UInt8](data)
    }
}
