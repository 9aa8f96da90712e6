/// The AWS service principals IAM knows, so that a trust policy naming a service that does not
/// exist (`lamdba.amazonaws.com`) is refused as IAM refuses it, instead of trusting nobody silently.
///
/// The catalog is generated from botocore (codegen/service_principals.py says how).
enum ServicePrincipalCatalog {
    /// Whether `principal` names a service: `<service>.amazonaws.com`, a documented principal, or a
    /// service's regional form `<service>.<region>.amazonaws.com`.
    static func isKnown(_ principal: String) -> Bool {
        let name = principal.lowercased()
        if principals.contains(name) { return true }
        let suffix = ".amazonaws.com"
        guard name.hasSuffix(suffix) else { return false }
        let host = name.dropLast(suffix.count)
        guard let dot = host.lastIndex(of: "."), regions.contains(String(host[host.index(after: dot)...])) else { return false }
        return principals.contains(String(host[..<dot]) + suffix)
    }

    /// The first service principal of `document` that IAM does not know.
    static func firstUnknown(in document: PolicyDocument) -> String? {
        for statement in document.statements {
            let principals: PolicyPrincipals? =
                switch statement.principals {
                case .principal(let principals), .notPrincipal(let principals): principals
                case nil: nil
                }
            for case .service(let name) in principals?.entries ?? [] where !isKnown(name) { return name }
        }
        return nil
    }
}
