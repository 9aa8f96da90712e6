extension ServiceModel {
    /// This model with operations and shapes of Bulwark's own added — e.g. the URL that serves a
    /// function's code, which AWS serves from S3. They go through the pipeline like any other.
    public func adding(operations extraOperations: [OperationModel], shapes extraShapes: [Shape]) -> ServiceModel {
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
            operations: Array(operations.values) + extraOperations,
            shapes: Array(shapes.values) + extraShapes
        )
    }
}
