import BulwarkCore

/// The errors with which a deployment package is refused, in AWS's wording where AWS has one.
///
/// AWS answers every archive it cannot read with one sentence, so corruption of any kind (not a zip,
/// truncated, bad CRC, inconsistent headers) uses exactly that sentence. Refusals that AWS has no
/// wording for (Bulwark is stricter than AWS about what may reach a sandbox) keep AWS's sentence
/// shape and say what was wrong and what is allowed.
enum PackageRefusal {
    /// AWS's answer to an archive it cannot read.
    static let couldNotUnzip = invalidParameterValue(
        "Could not unzip uploaded file. Please check your file, then try to upload again."
    )

    /// AWS's answer to an empty file or an archive without entries.
    static let empty = invalidParameterValue("Uploaded file must be a non-empty zip")

    /// AWS's answer to a package whose unzipped size reaches the quota.
    static func unzippedTooLarge(limit: Int) -> AWSError {
        invalidParameterValue("Unzipped size must be smaller than \(limit) bytes")
    }

    /// A zip file at or above the zipped quota. AWS refuses an oversized `ZipFile` with this code
    /// and status; the edge normally refuses such a request before it gets here.
    static func zippedTooLarge(limit: Int) -> AWSError {
        AWSError(
            code: "RequestEntityTooLargeException",
            message: "Zipped size must be smaller than \(limit) bytes",
            status: 413
        )
    }

    /// A readable archive with content that Bulwark will not unpack; `detail` says what and why.
    static func refused(_ detail: String) -> AWSError {
        invalidParameterValue(
            "Could not unzip uploaded file: \(detail). Please check your file, then try to upload again."
        )
    }

    static func tooManyEntries(limit: Int) -> AWSError {
        refused("the archive has more than \(limit) entries")
    }

    static func encrypted(_ name: [UInt8]) -> AWSError {
        refused("the entry \(quoted(name)) is encrypted; encrypted entries are not supported")
    }

    static func unsupportedMethod(_ method: UInt16, _ name: [UInt8]) -> AWSError {
        refused(
            "the entry \(quoted(name)) uses compression method \(method); "
                + "only stored (0) and deflated (8) entries are supported"
        )
    }

    static func overlappingEntries() -> AWSError {
        refused("entries overlap in the archive; each entry must have data of its own")
    }

    static func badPath(_ name: [UInt8], _ reason: String) -> AWSError {
        refused(
            "the entry path \(quoted(name)) \(reason); paths must be relative, separated by '/', "
                + "and stay inside the package"
        )
    }

    static func duplicatePath(_ path: String) -> AWSError {
        refused("the path \(quoted(path)) appears more than once")
    }

    static func insideNonDirectory(_ path: String, parent: String) -> AWSError {
        refused("the entry \(quoted(path)) is inside \(quoted(parent)), which is not a directory")
    }

    static func unsupportedType(_ name: [UInt8]) -> AWSError {
        refused(
            "the entry \(quoted(name)) is a device, FIFO or socket; "
                + "only files, directories and symbolic links are allowed"
        )
    }

    static func badSymlink(_ path: String, target: String, _ reason: String) -> AWSError {
        refused(
            "the symbolic link \(quoted(path)) to \(quoted(target)) \(reason); "
                + "links must be relative and stay inside the package"
        )
    }

    static func symlinkTargetLength(_ path: String, limit: Int) -> AWSError {
        refused("the symbolic link \(quoted(path)) has a target that is empty or longer than \(limit) bytes")
    }

    static func compressionRatio(_ name: [UInt8], limit: Int) -> AWSError {
        refused("the entry \(quoted(name)) expands more than \(limit) times its compressed size")
    }

    static func overallCompressionRatio(limit: Int) -> AWSError {
        refused("the archive expands more than \(limit) times its size")
    }

    static func invalidParameterValue(_ message: String) -> AWSError {
        AWSError(code: "InvalidParameterValueException", message: message, status: 400)
    }

    /// A name from the archive, made safe to show: control characters escaped, length bounded.
    static func quoted(_ name: [UInt8]) -> String {
        quoted(String(decoding: name, as: UTF8.self))
    }

    static func quoted(_ text: String) -> String {
        let limit = 200
        var shown = ""
        for scalar in text.unicodeScalars.prefix(limit) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > limit { shown += "…" }
        return "'\(shown)'"
    }
}
