import AWSWire
import BulwarkCore
import Foundation

/// The ways a request can name an entity other than by its canonical ARN, as an attacker tries
/// them against a policy that denies the real entity (issue #8): another partition or account, other
/// case, added or removed path segments, trailing qualifiers, percent-encoding, a name for an ARN and
/// an ARN for a name.
enum ReferenceVariants {
    /// Every variant of `text`, a name or an ARN, that names — or might be taken to name — the entity
    /// whose canonical ARN is `canonical`.
    static func of(_ text: String, canonical: String) -> [String] {
        var variants: Set<String> = []
        for form in [text, canonical] {
            variants.formUnion(caseVariants(form))
            variants.insert(percentEncodedLastCharacter(form))
            variants.insert(form + "/")
            variants.insert(form + " ")
            variants.insert(form + ":$LATEST")
            variants.insert(form + ":1")
            variants.insert(form + ":01")
            variants.insert(form + ":2")
            variants.insert(form + "%00")
        }
        if let arn = ARN(canonical) {
            let name = arn.resource.split { $0 == "/" || $0 == ":" }.last.map(String.init) ?? ""
            for partition in ["", "aws-cn", "aws-us-gov", "awsx", "AWS", "aws "] {
                variants.insert(
                    ARN(partition: partition, service: arn.service, region: arn.region, accountID: arn.accountID, resource: arn.resource).description)
            }
            for account in ["999999999999", "", "aws", arn.accountID + "0"] {
                variants.insert(
                    ARN(partition: "aws", service: arn.service, region: arn.region, accountID: account, resource: arn.resource).description)
            }
            for region in arn.region.isEmpty ? ["us-east-1"] : ["", "us-west-2"] {
                variants.insert(
                    ARN(partition: "aws", service: arn.service, region: region, accountID: arn.accountID, resource: arn.resource).description)
            }
            // Paths: one added, the separator doubled, a relative segment.
            let separator: Character = arn.resource.contains("/") ? "/" : ":"
            let type = arn.resource.prefix { $0 != separator }
            for path in [
                "\(type)\(separator)x\(separator)\(name)", "\(type)\(separator)\(separator)\(name)", "\(type)\(separator).\(separator)\(name)",
                "\(type)\(separator)x\(separator)..\(separator)\(name)", "\(type.uppercased())\(separator)\(name)", "\(name)",
            ] {
                variants.insert(ARN(partition: "aws", service: arn.service, region: arn.region, accountID: arn.accountID, resource: path).description)
            }
            variants.insert(name)
            variants.formUnion(caseVariants(name))
            // Qualified by the entity's own name (a Lambda alias so named), in any case.
            for qualifier in [name] + caseVariants(name) {
                variants.insert("\(text):\(qualifier)")
                variants.insert("\(canonical):\(qualifier)")
            }
            variants.insert("\(arn.accountID):\(arn.resource)")
        }
        variants.remove(text)
        return variants.sorted()
    }

    private static func caseVariants(_ text: String) -> [String] {
        [text.uppercased(), text.lowercased(), text.prefix(1).uppercased() + text.dropFirst(), swappedLastLetter(text)].filter { $0 != text }
    }

    private static func swappedLastLetter(_ text: String) -> String {
        guard let index = text.lastIndex(where: \.isLetter) else { return text }
        let letter = text[index]
        let swapped = letter.isUppercase ? letter.lowercased() : letter.uppercased()
        return text.replacingCharacters(in: index...index, with: swapped)
    }

    private static func percentEncodedLastCharacter(_ text: String) -> String {
        guard let last = text.last, let ascii = last.asciiValue else { return text }
        return String(text.dropLast()) + "%" + String(ascii, radix: 16, uppercase: true)
    }
}

extension JSONValue {
    /// The object with `member` set to `value`.
    func replacing(_ member: String, with value: String) -> JSONValue {
        guard case .object(var members) = self else { return self }
        members[member] = .string(value)
        return .object(members)
    }
}
