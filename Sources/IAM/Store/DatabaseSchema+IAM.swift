import GRDB
import Store

extension DatabaseSchema {
    /// IAM's and STS's tables beyond the baseline.
    public static let iam = DatabaseSchema(
        namespace: "iam",
        migrations: [
            // Sessions are bound to their role's or user's unique id. Sessions issued before have none
            // and are refused from now on: they could otherwise pass to a namesake created later.
            Migration("v1-session-principal-id") { db in
                try db.execute(sql: "ALTER TABLE stsSession ADD COLUMN principalID TEXT")
            },
            // A trust policy's users and roles are bound to their unique ids when it is saved. Trust
            // policies saved before have none and are matched by ARN, as they were.
            Migration("v2-trust-policy-principals") { db in
                try db.execute(sql: "ALTER TABLE iamPrincipal ADD COLUMN trustPolicyPrincipals TEXT")
            },
            // AWS managed policies are served from the bundled catalog (AWSManagedPolicies), no longer
            // copied into each store at start; attachments to them, which name them by ARN, stay.
            Migration("v3-aws-managed-policies-from-catalog") { db in
                try db.execute(sql: "DELETE FROM iamPolicyVersion WHERE policyARN IN (SELECT arn FROM iamManagedPolicy WHERE accountID = 'aws')")
                try db.execute(sql: "DELETE FROM iamManagedPolicy WHERE accountID = 'aws'")
            },
            // Sessions remember which of their tags are transitive (role chaining) and their managed
            // session policies (`PolicyArns`), which limit every call made with them.
            Migration("v4-sts-session-transitive-tags-and-policy-arns") { db in
                try db.execute(sql: "ALTER TABLE stsSession ADD COLUMN transitiveTagKeys TEXT")
                try db.execute(sql: "ALTER TABLE stsSession ADD COLUMN sessionPolicyARNs TEXT")
            },
            // OpenID Connect providers of accounts, and the signing keys (JWKS) operators configure for
            // issuers: Bulwark fetches nothing from the network.
            Migration("v5-oidc-providers") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamOIDCProvider (
                            arn TEXT PRIMARY KEY NOT NULL, accountID TEXT NOT NULL, url TEXT NOT NULL, clientIDs TEXT NOT NULL,
                            thumbprints TEXT NOT NULL, createdAt DATETIME NOT NULL, tags TEXT NOT NULL);
                        CREATE INDEX iamOIDCProviderByAccount ON iamOIDCProvider(accountID);
                        CREATE TABLE iamOIDCKeySet (issuerKey TEXT PRIMARY KEY NOT NULL, jwks TEXT NOT NULL, updatedAt DATETIME NOT NULL);
                        """)
            },
        ]
    )
}
