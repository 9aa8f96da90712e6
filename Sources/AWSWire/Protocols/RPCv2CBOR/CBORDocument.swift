import BulwarkCore
import Foundation

/// Moves values between CBOR items and the model-keyed documents of the codecs (``ShapeCoding``'s
/// conventions: blobs as base64 strings, timestamps as seconds since 1970).
public enum CBORDocument {
    /// Why an item cannot be a document value.
    struct Unreadable: Error {
        let reason: String
    }

    /// The document form of an item as sent: byte strings become base64 text, timestamps (tag 1)
    /// their seconds; members whose value is null are absent, as Smithy RPC v2 CBOR reads them.
    static func document(_ item: CBORItem) throws(Unreadable) -> JSONValue {
        switch item {
        case .unsigned, .negative:
            guard let value = item.int64Value else { throw Unreadable(reason: "an integer is out of the 64-bit range") }
            return .int(value)
        case .bytes(let data): return .string(data.base64EncodedString())
        case .text(let text): return .string(text)
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try document(element)) }
            return .array(values)
        case .map(let pairs):
            var members: [String: JSONValue] = [:]
            for (key, value) in pairs {
                guard case .text(let name) = key else { throw Unreadable(reason: "a map key is not a text string") }
                let converted = try document(value)
                if !converted.isNull { members[name] = converted }
            }
            return .object(members)
        case .tag(1, let content):
            switch content {
            case .unsigned, .negative:
                guard let seconds = content.int64Value else { throw Unreadable(reason: "a timestamp is out of range") }
                return .int(seconds)
            case .double(let seconds) where seconds.isFinite: return .double(seconds)
            default: throw Unreadable(reason: "a timestamp (tag 1) must hold a number of seconds")
            }
        case .tag(let tag, _): throw Unreadable(reason: "tag \(tag) is not used by this protocol")
        case .bool(let value): return .bool(value)
        case .null, .undefined: return .null
        // The document form (JSON) has no NaN or infinity: such a value would silently become null.
        case .double(let value):
            guard value.isFinite else { throw Unreadable(reason: "\(value) is not a finite number") }
            return .double(value)
        }
    }

    /// The item for a document value of `shape`: structure members under their wire names in model
    /// order (absent and null members left out), timestamps as tag 1, blobs as byte strings, floats
    /// and doubles as floating point even when the value is whole.
    public static func item(_ value: JSONValue, shape: Shape, model: ServiceModel) -> CBORItem {
        switch (shape.kind, value) {
        case (.structure, .object(let members)):
            var pairs: [(CBORItem, CBORItem)] = []
            for member in shape.members where member.location == .body {
                guard let memberValue = members[member.name], !memberValue.isNull else { continue }
                pairs.append((.text(member.wireName), item(memberValue, shape: model.shape(member.shape), model: model)))
            }
            return .map(pairs)
        case (.list, .array(let elements)):
            guard let elementShape = shape.listMember.map(model.shape) else { return plain(value) }
            return .array(elements.map { item($0, shape: elementShape, model: model) })
        case (.map, .object(let entries)):
            guard let valueShape = shape.mapValue.map(model.shape) else { return plain(value) }
            return .map(entries.sorted { $0.key < $1.key }.map { (.text($0.key), item($0.value, shape: valueShape, model: model)) })
        case (.timestamp, .int(let seconds)): return .tag(1, .integer(seconds))
        case (.timestamp, .double(let seconds)):
            return .tag(1, seconds == seconds.rounded() && abs(seconds) < 1e15 ? .integer(Int64(seconds)) : .double(seconds))
        case (.blob, .string(let base64)): return .bytes(Data(base64Encoded: base64) ?? Data(base64.utf8))
        case (.float, .int(let number)), (.double, .int(let number)): return .double(Double(number))
        default: return plain(value)
        }
    }

    /// An item for a value without a shape to guide it.
    static func plain(_ value: JSONValue) -> CBORItem {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .integer(number)
        case .double(let number): .double(number)
        case .string(let text): .text(text)
        case .array(let elements): .array(elements.map(plain))
        case .object(let members): .map(members.sorted { $0.key < $1.key }.map { (.text($0.key), plain($0.value)) })
        }
    }
}
