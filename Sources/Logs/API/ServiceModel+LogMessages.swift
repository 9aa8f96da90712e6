import AWSWire

extension ServiceModel {
    /// The Logs model with event messages treated as sensitive: what functions and callers log is
    /// their data (and often holds what they should not have logged), so the trail records
    /// `HIDDEN_DUE_TO_SECURITY_REASONS` in place of each message of PutLogEvents (decision 0035).
    static let logsWithHiddenMessages: ServiceModel = {
        let model = ServiceModel.logs
        let shapes = model.shapes.values.map { shape in
            guard shape.name == "EventMessage" else { return shape }
            return Shape(
                name: shape.name, kind: shape.kind, members: shape.members, required: shape.required, listMember: shape.listMember,
                mapKey: shape.mapKey, mapValue: shape.mapValue, listMemberLocationName: shape.listMemberLocationName,
                mapKeyLocationName: shape.mapKeyLocationName, mapValueLocationName: shape.mapValueLocationName, flattened: shape.flattened,
                min: shape.min, max: shape.max, pattern: shape.pattern, enumValues: shape.enumValues, sensitive: true, isUnion: shape.isUnion,
                isDocument: shape.isDocument, payload: shape.payload, timestampFormat: shape.timestampFormat, error: shape.error)
        }
        return ServiceModel(
            name: model.name, serviceID: model.serviceID, apiVersion: model.apiVersion, wireProtocol: model.wireProtocol,
            signingName: model.signingName, endpointPrefix: model.endpointPrefix, targetPrefix: model.targetPrefix,
            jsonVersion: model.jsonVersion, xmlNamespace: model.xmlNamespace, awsQueryCompatible: model.awsQueryCompatible,
            operations: Array(model.operations.values), shapes: shapes)
    }()
}
