extension ServiceModel {
    /// This model with operations and shapes of Bulwark's own added — e.g. the URL that serves a
    /// function's code, which AWS serves from S3. They go through the pipeline like any other.
    public func adding(operations extraOperations: [OperationModel], shapes extraShapes: [Shape]) -> ServiceModel {
        replacing(operations: Array(operations.values) + extraOperations, shapes: Array(shapes.values) + extraShapes)
    }

    /// This model with `shape` in place of the model's shape of the same name — where the service
    /// checks a constraint itself, with its own error, rather than as the published model says.
    public func replacing(_ shape: Shape) -> ServiceModel {
        var all = shapes
        all[shape.name] = shape
        return replacing(operations: Array(operations.values), shapes: Array(all.values))
    }

    private func replacing(operations: [OperationModel], shapes: [Shape]) -> ServiceModel {
        ServiceModel(
            name: name,
            serviceID: serviceID,
            apiVersion: apiVersion,
            wireProtocol: wireProtocol,
            signingName: signingName,
            endpointPrefix: endpointPrefix,
            targetPrefix: targetPrefix,
            jsonVersion: jsonVersion,
            xmlNamespace: xmlNamespace,
            awsQueryCompatible: awsQueryCompatible,
            operations: operations,
            shapes: shapes
        )
    }
}
