import BulwarkCore
import Foundation

/// Writes a model-keyed output document as the XML of a query-protocol answer: members in model
/// order under their wire names, lists as `<member>` entries (or repeated elements when flattened),
/// maps as `<entry><key/><value/></entry>` in key order, timestamps in ISO 8601 with `Z`, blobs in
/// base64, booleans as `true`/`false`.
struct QueryOutputWriter {
    let model: ServiceModel

    func writeMembers(of document: JSONValue, shape: Shape, into xml: inout XMLWriter) {
        guard case .object(let members) = document else { return }
        for member in shape.members where !member.xmlAttribute {
            guard let value = members[member.name], !value.isNull else { continue }
            let memberShape = model.shape(member.shape)
            write(
                value, shape: memberShape, name: member.wireName, flattened: member.flattened || memberShape.flattened,
                timestampFormat: member.timestampFormat, into: &xml)
        }
    }

    private func write(
        _ value: JSONValue, shape: Shape, name: String, flattened: Bool, timestampFormat: String? = nil, into xml: inout XMLWriter
    ) {
        switch shape.kind {
        case .structure:
            xml.open(name, attributes: attributes(of: value, shape: shape))
            writeMembers(of: value, shape: shape, into: &xml)
            xml.close(name)
        case .list:
            guard let elementShape = shape.listMember.map(model.shape) else { return }
            let elements = value.arrayValue ?? []
            if flattened {
                let entryName = shape.listMemberLocationName ?? name
                for element in elements { write(element, shape: elementShape, name: entryName, flattened: false, into: &xml) }
                return
            }
            xml.open(name)
            for element in elements {
                write(element, shape: elementShape, name: shape.listMemberLocationName ?? "member", flattened: false, into: &xml)
            }
            xml.close(name)
        case .map:
            guard let keyShape = shape.mapKey.map(model.shape), let valueShape = shape.mapValue.map(model.shape) else { return }
            let entries = (value.objectValue ?? [:]).sorted { $0.key < $1.key }
            if !flattened { xml.open(name) }
            for (key, entry) in entries where !entry.isNull {
                xml.open(flattened ? name : "entry")
                write(.string(key), shape: keyShape, name: shape.mapKeyLocationName ?? "key", flattened: false, into: &xml)
                write(entry, shape: valueShape, name: shape.mapValueLocationName ?? "value", flattened: false, into: &xml)
                xml.close(flattened ? name : "entry")
            }
            if !flattened { xml.close(name) }
        default:
            xml.element(name, scalar(value, shape: shape, timestampFormat: timestampFormat ?? shape.timestampFormat))
        }
    }

    private func scalar(_ value: JSONValue, shape: Shape, timestampFormat: String?) -> String {
        switch (shape.kind, value) {
        case (.boolean, .bool(let flag)):
            return flag ? "true" : "false"
        case (.integer, .double(let number)), (.long, .double(let number)):
            return String(Int64(number))
        case (.float, _), (.double, _):
            return value.doubleValue.map(Self.number) ?? ""
        case (.timestamp, _):
            guard let seconds = value.doubleValue else { return value.stringValue ?? "" }
            return Self.timestamp(seconds, format: timestampFormat)
        case (_, .string(let text)):
            return text
        case (_, .int(let number)):
            return String(number)
        case (_, .double(let number)):
            return String(number)
        case (_, .bool(let flag)):
            return flag ? "true" : "false"
        case (_, .null), (_, .array), (_, .object):
            return ""
        }
    }

    /// A float as botocore reads it back (`float()` accepts `Infinity` and `NaN`, not Swift's `inf`).
    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return String(value)
    }

    /// A timestamp in the format the model asks for: ISO 8601 by default, with milliseconds only
    /// when there are any (`2026-11-25T12:00:00Z`, `2026-11-25T13:30:15.250Z`).
    static func timestamp(_ seconds: Double, format: String?) -> String {
        switch format {
        case "unixTimestamp":
            return seconds == seconds.rounded() ? String(Int64(seconds)) : String(seconds)
        case "rfc822":
            return AWSTimestamp.rfc7231(Date(timeIntervalSince1970: seconds))
        default:
            var whole = seconds.rounded(.down)
            var milliseconds = Int(((seconds - whole) * 1000).rounded())
            if milliseconds == 1000 {
                whole += 1
                milliseconds = 0
            }
            let text = AWSTimestamp.iso8601(Date(timeIntervalSince1970: whole))
            guard milliseconds > 0 else { return text }
            let fraction = String(milliseconds)
            return String(text.dropLast()) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
        }
    }

    /// The members of a structure written as attributes of its element (rest-xml's `xmlAttribute`).
    private func attributes(of value: JSONValue, shape: Shape) -> [(name: String, value: String)] {
        shape.members.compactMap { member in
            guard member.xmlAttribute, let text = value.objectValue?[member.name]?.stringValue else { return nil }
            return (member.wireName, text)
        }
    }
}
