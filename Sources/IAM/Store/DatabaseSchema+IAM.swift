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
            // Instance profiles; the role a profile holds is bound by its unique id (IAM allows one).
            Migration("v3-instance-profiles") { db in
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
            Migration("v4-account-settings") { db in
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
            Migration("v5-service-specific-credentials") { db in
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
        ]
    )
}
