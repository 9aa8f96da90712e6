import Foundation

/// A layer version's policy as Lambda writes it: one `Allow` statement per AddLayerVersionPermission,
/// its principal an account (`arn:aws:iam::<account>:root`) or everyone (`*`, limited to an
/// organisation by `aws:PrincipalOrgID` when one is given).
enum LayerPolicy {
    /// The statement's JSON, keys in AWS's order.
    static func statement(_ statement: LayerStatementRecord, versionARN: String) -> String {
        let principal = statement.principal == "*" ? quoted("*") : "{\"AWS\":\(quoted(principalARN(statement.principal)))}"
        var json =
            "{\"Sid\":\(quoted(statement.statementID)),\"Effect\":\"Allow\",\"Principal\":\(principal),"
            + "\"Action\":\(quoted(statement.action)),\"Resource\":\(quoted(versionARN))"
        if let organization = statement.organizationID {
            json += ",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\(quoted(organization))}}"
        }
        return json + "}"
    }

    /// The policy document of a version's statements, as GetLayerVersionPolicy answers it.
    static func document(_ statements: [LayerStatementRecord], versionARN: String) -> String {
        "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":["
            + statements.map { statement($0, versionARN: versionARN) }.joined(separator: ",") + "]}"
    }

    /// An account id as the root ARN a policy names; an ARN as given.
    static func principalARN(_ principal: String) -> String {
        principal.hasPrefix("arn:") ? principal : "arn:aws:iam::\(principal):root"
    }

    /// Whether a statement lets the account `accountID` perform `action` without an organisation
    /// condition (Bulwark has no organisations, so such a condition matches nobody).
    static func grants(_ statement: LayerStatementRecord, action: String, to accountID: String) -> Bool {
        guard statement.action == action, statement.organizationID == nil else { return false }
        return statement.principal == "*" || principalARN(statement.principal) == "arn:aws:iam::\(accountID):root"
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
}
