import Foundation

/// Finds values that look like credentials (decision 0016), so that they go to Secrets Manager
/// rather than into a function's environment or code: AWS access key ids, AWS secret access keys,
/// PEM private keys, well-known token formats, and high-entropy values under a name that says
/// password, secret, token or API key. A finding names where it was found and what it looks
/// like, never the value.
public enum CredentialScanner {
    /// One value that looks like a credential.
    public struct Finding: Sendable, Equatable {
        /// The variable's name, or `path:line` in a package.
        public var location: String
        /// What it looks like, e.g. "an AWS access key id".
        public var kind: String

        public init(location: String, kind: String) {
            self.location = location
            self.kind = kind
        }
    }

    /// The variables whose values look like credentials, by name.
    public static func scan(variables: [String: String]) -> [Finding] {
        let hasAccessKey = variables.values.contains { accessKeyID($0) }
        return variables.keys.sorted().compactMap { name in
            kind(of: variables[name] ?? "", name: name, nextToAccessKey: hasAccessKey).map { Finding(location: name, kind: $0) }
        }
    }

    /// The lines of a text file that hold something that looks like a credential.
    public static func scan(text: String, path: String) -> [Finding] {
        var findings: [Finding] = []
        var lineNumber = 0
        let hasAccessKey = text.contains("AKIA") || text.contains("ASIA")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.count <= 4096 else { continue }
            let location = "\(path):\(lineNumber)"
            if line.contains("-----BEGIN") && line.contains("PRIVATE KEY-----") {
                findings.append(Finding(location: location, kind: "a PEM private key"))
                continue
            }
            // `NAME = "value"`, `NAME: value`, `"NAME": "value"`: the name says what the value is.
            let assignment = line.split(maxSplits: 1, whereSeparator: { $0 == "=" || $0 == ":" })
            let name = assignment.count == 2 ? String(assignment[0]).trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")) : ""
            let variable = name.split(separator: " ").last.map(String.init) ?? ""
            for token in tokens(in: line) {
                // Identifiers (`os.environ`, `DB_PASSWORD`) are code, not values.
                let identifier = token.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_" || $0 == ".") }
                if let kind = kind(of: token, name: identifier ? "" : variable, nextToAccessKey: hasAccessKey) {
                    findings.append(Finding(location: location, kind: kind))
                    break
                }
            }
        }
        return findings
    }

    /// What `value` looks like, when it looks like a credential.
    static func kind(of value: String, name: String, nextToAccessKey: Bool) -> String? {
        if value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----") { return "a PEM private key" }
        if accessKeyID(value) { return "an AWS access key id" }
        if let token = wellKnownToken(value) { return token }
        let upper = name.uppercased()
        let secretName = ["PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"].contains {
            upper.contains($0)
        }
        if value.count == 40, value.allSatisfy(isBase64), nextToAccessKey || upper.contains("SECRET"), entropy(value) >= 4.0 {
            return "an AWS secret access key"
        }
        if let url = URLComponents(string: value), url.scheme != nil, url.password?.isEmpty == false { return "a URL with a password" }
        if secretName, !namesAReference(upper), !looksLikeReference(value), value.count >= 8, !value.contains(" "), entropy(value) >= 3.0 {
            return "a high-entropy value under a secret's name"
        }
        return nil
    }

    /// Names of variables that point at a secret rather than hold one (`SECRET_ARN`, `TOKEN_URL`).
    static func namesAReference(_ upperName: String) -> Bool {
        ["_ARN", "_NAME", "_ID", "_URL", "_URI", "_PATH", "_FILE", "_HOST", "_ENDPOINT", "_REGION", "_HEADER", "_TTL", "_LENGTH"].contains {
            upperName.hasSuffix($0)
        }
    }

    /// ARNs, URLs without a password and absolute paths: references, not credentials.
    static func looksLikeReference(_ value: String) -> Bool {
        value.hasPrefix("arn:") || value.contains("://") || value.hasPrefix("/")
    }

    /// `AKIA…` / `ASIA…` and 16 more upper-case letters and digits 2–7 (AWS's key ids).
    static func accessKeyID(_ value: String) -> Bool {
        guard value.count == 20, value.hasPrefix("AKIA") || value.hasPrefix("ASIA") else { return false }
        return value.dropFirst(4).allSatisfy { ("A"..."Z").contains($0) || ("2"..."7").contains($0) }
    }

    /// GitHub, Slack, Stripe and Google API tokens, and JSON Web Tokens.
    static func wellKnownToken(_ value: String) -> String? {
        let alphanumeric = { (text: Substring) in text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] where value.hasPrefix(prefix) {
            if value.count >= 40, alphanumeric(value.dropFirst(4)) { return "a GitHub token" }
        }
        if value.hasPrefix("github_pat_"), value.count >= 40 { return "a GitHub token" }
        if value.count >= 15, value.hasPrefix("xox"), let kind = value.dropFirst(3).first, "abposr".contains(kind),
            value.dropFirst(4).first == "-"
        {
            return "a Slack token"
        }
        if value.hasPrefix("sk_live_") || value.hasPrefix("rk_live_"), value.count >= 20, alphanumeric(value.dropFirst(8)) {
            return "a Stripe live key"
        }
        if value.hasPrefix("AIza"), value.count == 39,
            value.dropFirst(4).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        {
            return "a Google API key"
        }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3, value.hasPrefix("eyJ"), parts[1].hasPrefix("eyJ"), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isBase64URL) }) {
            return "a JSON Web Token"
        }
        return nil
    }

    /// Shannon entropy in bits per character.
    static func entropy(_ value: String) -> Double {
        guard !value.isEmpty else { return 0 }
        var counts: [Character: Int] = [:]
        for character in value { counts[character, default: 0] += 1 }
        let total = Double(value.count)
        return counts.values.reduce(0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }

    private static func isBase64(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "+" || character == "/")
    }

    private static func isBase64URL(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_" || character == "=")
    }

    /// The quoted strings and bare words of a line.
    private static func tokens(in line: Substring) -> [String] {
        line.split(whereSeparator: { " \t\"'=:,;()[]{}<>`".contains($0) }).map(String.init)
    }
}
