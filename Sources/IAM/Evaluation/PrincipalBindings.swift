import BulwarkCore
import Foundation

/// The IAM users and roles a resource-based policy (a role's trust policy, a function policy) names,
/// bound to their unique ids when the policy was saved, as IAM binds them: a user or role deleted and
/// created again under the same name is another principal, which the policy does not name; a user
/// renamed since is still the one it names.
public struct PrincipalBindings: Sendable, Hashable {
    /// Unique id (`AIDA…`, `AROA…`) by principal ARN, lowercased in ASCII.
    public private(set) var ids: [String: String]

    public init(ids: [String: String] = [:]) {
        self.ids = ids
    }

    /// The id bound to `arn`, if the policy named it.
    public func id(of arn: String) -> String? {
        ids[Self.key(arn)]
    }

    public mutating func bind(_ arn: String, to id: String) {
        ids[Self.key(arn)] = id
    }

    /// Both sets of bindings (a function policy's statements).
    public func merging(_ other: PrincipalBindings) -> PrincipalBindings {
        PrincipalBindings(ids: ids.merging(other.ids) { _, newer in newer })
    }

    /// The IAM user and role ARNs of `document`'s `Principal` and `NotPrincipal` elements, in
    /// `accountID`: the ones a store can bind (assumed-role sessions, roots and other accounts' entities
    /// are matched as written).
    public static func bindableARNs(in document: PolicyDocument, accountID: String) -> [String] {
        var arns: [String] = []
        for statement in document.statements {
            let principals: PolicyPrincipals
            switch statement.principals {
            case .principal(let named), .notPrincipal(let named): principals = named
            case nil: continue
            }
            for case .arn(let arn) in principals.entries where isBindable(arn, accountID: accountID) {
                arns.append(arn)
            }
        }
        return arns
    }

    /// An IAM user or role of `accountID`, by ARN.
    public static func isBindable(_ arn: String, accountID: String) -> Bool {
        guard let parsed = ARN(arn), parsed.service == "iam", parsed.accountID == accountID else { return false }
        return parsed.resource.hasPrefix("user/") || parsed.resource.hasPrefix("role/")
    }

    private static func key(_ arn: String) -> String {
        String(decoding: arn.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The stored form: a JSON object, or nil when nothing is bound.
    public var encoded: String? {
        guard !ids.isEmpty else { return nil }
        return String(decoding: JSONValue.object(ids.mapValues(JSONValue.string)).serialized(), as: UTF8.self)
    }

    /// The stored form read back; nil for policies saved before bindings existed.
    public init?(encoded text: String?) {
        guard let text, case .object(let members)? = try? JSONValue.parse(Data(text.utf8)) else { return nil }
        self.init(ids: members.compactMapValues(\.stringValue))
    }
}
