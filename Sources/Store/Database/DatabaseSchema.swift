import GRDB

/// The tables of one module, as an ordered list of migrations under the module's namespace.
///
/// Each service module declares its schema next to its records and repositories; the database
/// registers a migration as `<namespace>.<identifier>`, so that modules never collide and a reader
/// of the migrations table sees whose tables changed. A released migration is never edited: changes
/// are new migrations.
public struct DatabaseSchema: Sendable {
    /// One step of a schema.
    public struct Migration: Sendable {
        public let identifier: String
        let migrate: @Sendable (Database) throws -> Void

        public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
            self.identifier = identifier
            self.migrate = migrate
        }
    }

    /// The module's prefix of migration identifiers (`iam`, `lambda`); nil only for the baseline.
    public let namespace: String?
    public let migrations: [Migration]

    public init(namespace: String, migrations: [Migration]) {
        self.init(namespace: Optional(namespace), migrations: migrations)
    }

    init(namespace: String?, migrations: [Migration]) {
        self.namespace = namespace
        self.migrations = migrations
    }

    /// The migrator of `schemas`, in order.
    static func migrator(for schemas: [DatabaseSchema]) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for schema in schemas {
            for migration in schema.migrations {
                let identifier = schema.namespace.map { "\($0).\(migration.identifier)" } ?? migration.identifier
                migrator.registerMigration(identifier, migrate: migration.migrate)
            }
        }
        return migrator
    }
}
