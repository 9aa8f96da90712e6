import Store

extension BulwarkDatabase {
    /// Functions and their versions.
    var functions: FunctionRepository { FunctionRepository(database: self) }
    /// Layers, their versions and policies.
    var layers: LayerRepository { LayerRepository(database: self) }
    /// Functions' aliases.
    var aliases: AliasRepository { AliasRepository(database: self) }
    /// The statements of functions' resource-based policies.
    var functionPolicies: FunctionPolicyRepository { FunctionPolicyRepository(database: self) }
    /// Concurrency settings, event invoke configurations and the durable queue of `Event` invocations.
    public var invocations: InvocationRepository { InvocationRepository(database: self) }
    /// What the credential scan found in functions' variables and packages.
    public var credentialFindings: CredentialFindingRepository { CredentialFindingRepository(database: self) }
}
