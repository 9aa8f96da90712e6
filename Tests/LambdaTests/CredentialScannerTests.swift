import Foundation
import Testing

@testable import Lambda

/// What the credential scan takes for a credential (decision 0016), and what it leaves alone.
@Suite("Credential scanner")
struct CredentialScannerTests {
    @Test(
        "Values that look like credentials are found, by variable name",
        arguments: [
            ("KEY", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
            ("SESSION_KEY", "ASIAJEXAMPLEXEG2JICQ", "an AWS access key id"),
            ("AWS_SECRET", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
            ("CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----", "a PEM private key"),
            ("GH", "ghp_" + String(repeating: "a1B2", count: 9), "a GitHub token"),
            ("SLACK", "xoxb-123456789012-abcdefghij", "a Slack token"),
            ("PAY", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe live key"),
            ("MAPS", "AIzaSyD-9tSrke72PouQMnMX-a_bcdefghijklm", "a Google API key"),
            ("AUTH", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "a JSON Web Token"),
            ("DB_PASSWORD", "changeme12345", "a high-entropy value under a secret's name"),
            ("STRIPE_API_KEY", "k3y-9f8e7d6c5b", "a high-entropy value under a secret's name"),
            ("DATABASE", "postgres://app:hunter2pass@db:5432/app", "a URL with a password"),
        ])
    func found(name: String, value: String, kind: String) {
        #expect(CredentialScanner.scan(variables: [name: value, "MODE": "prod"]) == [CredentialScanner.Finding(location: name, kind: kind)])
    }

    @Test(
        "Ordinary settings and references to secrets are not findings",
        arguments: [
            ("MODE", "prod"), ("LOG_LEVEL", "debug"), ("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
            ("SECRET_NAME", "prod/db/password"), ("TOKEN_URL", "https://auth.example.com/oauth2/token"), ("PASSWORD", "x"),
            ("API_KEY_HEADER", "X-Api-Key"), ("GREETING", "hello world, this is a long and varied sentence"),
            ("BUILD", "3f2c9a1b7e5d4c6a8b0f1e2d3c4b5a69"), ("DATABASE", "postgres://db:5432/app"),
        ])
    func notFound(name: String, value: String) {
        #expect(CredentialScanner.scan(variables: [name: value]).isEmpty)
    }

    @Test("A 40-character base64 value is an AWS secret key next to an access key id, whatever its name")
    func secretKeyNextToAccessKey() {
        let findings = CredentialScanner.scan(variables: ["ID": "AKIAIOSFODNN7EXAMPLE", "VALUE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"])
        #expect(findings.map(\.kind) == ["an AWS access key id", "an AWS secret access key"])
    }

    @Test("Files: the line of each finding, never the value")
    func files() {
        let text = """
            import os
            KEY = "AKIAIOSFODNN7EXAMPLE"
            password = os.environ["DB_PASSWORD"]
            -----BEGIN OPENSSH PRIVATE KEY-----
            """
        let findings = CredentialScanner.scan(text: text, path: "app.py")
        #expect(findings == [.init(location: "app.py:2", kind: "an AWS access key id"), .init(location: "app.py:4", kind: "a PEM private key")])
        #expect(!findings.description.contains("AKIAIOSFODNN7EXAMPLE"))
    }
}
