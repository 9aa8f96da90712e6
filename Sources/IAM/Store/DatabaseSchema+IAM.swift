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
            // Instance profiles; the role a profile holds is bound by its unique id (IAM allows one).
            Migration("v6-instance-profiles") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamInstanceProfile (
                            accountID TEXT NOT NULL,
                            name TEXT NOT NULL COLLATE NOCASE,
                            uniqueID TEXT NOT NULL UNIQUE,
                            path TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            roleID TEXT,
                            tags TEXT NOT NULL,
                            PRIMARY KEY (accountID, name)
                        );
                        CREATE INDEX iamInstanceProfileByRole ON iamInstanceProfile(roleID);
                        """
                )
            },
            // The account's alias and password policy, users' console passwords (a salted scrypt hash
            // only, bound to the user's unique id) and the last credential report.
            Migration("v7-account-settings") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamAccountAlias (
                            accountID TEXT PRIMARY KEY NOT NULL,
                            alias TEXT NOT NULL UNIQUE
                        );
                        CREATE TABLE iamPasswordPolicy (
                            accountID TEXT PRIMARY KEY NOT NULL,
                            policy TEXT NOT NULL
                        );
                        CREATE TABLE iamLoginProfile (
                            userID TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            passwordHash BLOB NOT NULL,
                            salt BLOB NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            passwordChangedAt DOUBLE NOT NULL,
                            passwordResetRequired INTEGER NOT NULL
                        );
                        CREATE TABLE iamCredentialReport (
                            accountID TEXT PRIMARY KEY NOT NULL,
                            content BLOB NOT NULL,
                            generatedAt DOUBLE NOT NULL
                        );
                        """
                )
            },
            // Service-specific credentials (CodeCommit, Keyspaces, Bedrock, CloudWatch Logs): the
            // password or secret is kept as a salted hash only, bound to the user's unique id.
            Migration("v8-service-specific-credentials") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamServiceSpecificCredential (
                            credentialID TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            userID TEXT NOT NULL,
                            serviceName TEXT NOT NULL,
                            serviceUserName TEXT NOT NULL,
                            secretHash BLOB NOT NULL,
                            salt BLOB NOT NULL,
                            status TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL,
                            expiresAt DOUBLE
                        );
                        CREATE INDEX iamServiceSpecificCredentialByUser ON iamServiceSpecificCredential(userID, serviceName);
                        """
                )
            },
            // Service-linked roles remember the service they are linked to (only it may change or
            // delete them), and their deletion tasks are kept for GetServiceLinkedRoleDeletionStatus.
            Migration("v9-service-linked-roles") { db in
                try db.execute(
                    sql: """
                        ALTER TABLE iamPrincipal ADD COLUMN linkedService TEXT;
                        CREATE TABLE iamServiceLinkedRoleDeletion (
                            taskID TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            roleARN TEXT NOT NULL,
                            status TEXT NOT NULL,
                            createdAt DOUBLE NOT NULL
                        );
                        """
                )
            },
            // Users' SSH public keys (CodeCommit), bound to the user's unique id.
            Migration("v10-ssh-public-keys") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamSSHPublicKey (
                            keyID TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            userID TEXT NOT NULL,
                            body TEXT NOT NULL,
                            fingerprint TEXT NOT NULL,
                            status TEXT NOT NULL,
                            uploadedAt DOUBLE NOT NULL
                        );
                        CREATE INDEX iamSSHPublicKeyByUser ON iamSSHPublicKey(userID);
                        """
                )
            },
            // Signing certificates of users (by unique id) and of the account root.
            Migration("v11-signing-certificates") { db in
                try db.execute(
                    sql: """
                        CREATE TABLE iamSigningCertificate (
                            certificateID TEXT PRIMARY KEY NOT NULL,
                            accountID TEXT NOT NULL,
                            ownerID TEXT NOT NULL,
                            body TEXT NOT NULL,
                            digest TEXT NOT NULL,
                            status TEXT NOT NULL,
                            uploadedAt DOUBLE NOT NULL
                        );
                        CREATE INDEX iamSigningCertificateByOwner ON iamSigningCertificate(accountID, ownerID);
                        """
                )
            },
        ]
    )
}
