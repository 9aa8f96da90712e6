import AWSWire
import BulwarkCore
import Foundation

/// Builds an input document of an operation from its model shape alone — the smallest one, or one
/// with every member a generic value can fill — each member with a value of its type that satisfies
/// the model's constraints (lengths, ranges, patterns, enums), so that new operations are covered
/// without a line of test code.
///
/// A string member takes the first candidate that the model's own validator accepts: the
/// ``SampleValues`` its member name asks for, then generic names, paths, versions, digits and ARNs.
struct InputSynthesizer {
    /// The operation, member and shape for which no candidate fits.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Which members an input holds.
    enum Extent: Sendable, CaseIterable, CustomStringConvertible {
        /// The required members only.
        case required
        /// Also every optional member a candidate fits (optional members naming things the samples
        /// do not have, such as layers or KMS keys, are left out), except members that would recurse.
        case every

        var description: String {
            switch self {
            case .required: "its required members"
            case .every: "every member"
            }
        }
    }

    let model: ServiceModel
    let samples: SampleValues
    let extent: Extent

    /// The input document of `operation`, checked against the model as the pipeline checks it.
    func input(for operation: String) throws -> JSONValue {
        guard let operationModel = model.operations[operation] else {
            throw Failure(description: "\(operation) is not an operation of the \(model.name) model")
        }
        guard let shapeName = operationModel.input else { return .object([:]) }
        let document = try value(of: shapeName, member: operation, path: operation, enclosing: [])
        try ShapeValidator(model: model).validate(document, as: shapeName)
        return document
    }

    /// A value of `shapeName` for the member `member`, inside the structures `enclosing`.
    private func value(of shapeName: String, member: String, path: String, enclosing: Set<String>) throws -> JSONValue {
        let shape = model.shape(shapeName)
        switch shape.kind {
        case .structure:
            return try structure(shape, path: path, enclosing: enclosing.union([shapeName]))
        case .list:
            let element = try value(of: try part(shape.listMember, of: shape, path), member: member, path: path + "[]", enclosing: enclosing)
            return .array(Array(repeating: element, count: count(shape)))
        case .map:
            // A map of one entry: more would need distinct keys, and a required map wants at least one.
            let key = try string(try part(shape.mapKey, of: shape, path), member: member + "Key", path: path + ".key")
            let entry = try value(
                of: try part(shape.mapValue, of: shape, path), member: member + "Value", path: path + ".value", enclosing: enclosing)
            return .object([key: entry])
        case .string:
            return .string(try string(shapeName, member: member, path: path))
        case .blob:
            let bytes = samples.blob(forMember: member) ?? Data(repeating: UInt8(ascii: "w"), count: count(shape))
            return .string(bytes.base64EncodedString())
        case .integer, .long:
            return .int(Int64(shape.min ?? Swift.min(1, shape.max ?? 1)))
        case .float, .double:
            return .double(shape.min ?? 1)
        case .boolean:
            return .bool(false)
        case .timestamp:
            return .double(samples.time.timeIntervalSince1970.rounded())
        }
    }

    /// The members of the extent, or for a union its first member that can be built.
    private func structure(_ shape: Shape, path: String, enclosing: Set<String>) throws -> JSONValue {
        guard !shape.isDocument else { return .object([:]) }
        if shape.isUnion {
            var failures: [String] = []
            for member in shape.members {
                do {
                    return .object([
                        member.name: try value(of: member.shape, member: member.name, path: path + "." + member.name, enclosing: enclosing)
                    ])
                } catch let failure as Failure {
                    failures.append(failure.description)
                }
            }
            throw Failure(description: "no member of the union \(path) can be built: \(failures.joined(separator: "; "))")
        }
        var members: [String: JSONValue] = [:]
        for member in shape.members {
            let memberPath = path + "." + member.name
            if shape.required.contains(member.name) {
                members[member.name] = try value(of: member.shape, member: member.name, path: memberPath, enclosing: enclosing)
            } else if extent == .every, !recurses(member.shape, into: enclosing) {
                members[member.name] = try? value(of: member.shape, member: member.name, path: memberPath, enclosing: enclosing)
            }
        }
        return .object(members)
    }

    private func string(_ shapeName: String, member: String, path: String) throws -> String {
        let shape = model.shape(shapeName)
        let candidates = shape.enumValues ?? (samples.values(forMember: member) + samples.generic(length: Int(shape.min ?? 0)))
        let validator = ShapeValidator(model: model)
        guard let fitting = candidates.first(where: { (try? validator.validate(.string($0), as: shapeName)) != nil }) else {
            throw Failure(
                description: "no value fits \(path) (shape \(shapeName), pattern \(shape.pattern ?? "none"), "
                    + "length \(shape.min.map { "\($0)" } ?? "-")...\(shape.max.map { "\($0)" } ?? "-"))")
        }
        return fitting
    }

    /// Whether a value of `shapeName` would hold one of the structures `enclosing` it.
    private func recurses(_ shapeName: String, into enclosing: Set<String>) -> Bool {
        let shape = model.shape(shapeName)
        let parts = [shape.listMember, shape.mapValue].compactMap { $0 }
        return enclosing.contains(shapeName) || parts.contains { recurses($0, into: enclosing) }
    }

    /// The element count of a list or the length of a blob: its minimum, and at least one.
    private func count(_ shape: Shape) -> Int {
        Swift.max(1, Int(shape.min ?? 1))
    }

    private func part(_ name: String?, of shape: Shape, _ path: String) throws -> String {
        guard let name else { throw Failure(description: "\(path): the \(shape.kind) shape \(shape.name) names no element shape") }
        return name
    }
}
