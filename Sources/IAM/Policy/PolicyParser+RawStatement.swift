extension PolicyParser {
    /// A statement that passed the syntax check, still as JSON values, one per element.
    struct RawStatement {
        /// The elements a statement may have; any other member is a syntax error.
        enum Element: String {
            case sid = "Sid"
            case effect = "Effect"
            case action = "Action"
            case notAction = "NotAction"
            case resource = "Resource"
            case notResource = "NotResource"
            case principal = "Principal"
            case notPrincipal = "NotPrincipal"
            case condition = "Condition"
        }

        let index: Int
        var sid: PolicyJSON?
        var effect: PolicyJSON?
        var action: PolicyJSON?
        var notAction: PolicyJSON?
        var resource: PolicyJSON?
        var notResource: PolicyJSON?
        var principal: PolicyJSON?
        var notPrincipal: PolicyJSON?
        var condition: PolicyJSON?
        /// The strings of `Action`, `NotAction`, `Resource` and `NotResource`, read once by the
        /// syntax check (which refuses anything else) for the checks that follow and the build.
        private(set) var actions: [String]?
        private(set) var notActions: [String]?
        private(set) var resources: [String]?
        private(set) var notResources: [String]?

        init(index: Int) {
            self.index = index
        }

        subscript(_ element: Element) -> PolicyJSON? {
            get {
                switch element {
                case .sid: sid
                case .effect: effect
                case .action: action
                case .notAction: notAction
                case .resource: resource
                case .notResource: notResource
                case .principal: principal
                case .notPrincipal: notPrincipal
                case .condition: condition
                }
            }
            set {
                switch element {
                case .sid: sid = newValue
                case .effect: effect = newValue
                case .action: action = newValue
                case .notAction: notAction = newValue
                case .resource: resource = newValue
                case .notResource: notResource = newValue
                case .principal: principal = newValue
                case .notPrincipal: notPrincipal = newValue
                case .condition: condition = newValue
                }
            }
        }

        func has(_ element: Element) -> Bool { self[element] != nil }

        /// Reads the strings of the four string-list elements; throws when one is not a string or
        /// a list of strings.
        mutating func readStrings() throws(MalformedPolicyDocument) {
            if let action { actions = try PolicyParser.strings(action) }
            if let notAction { notActions = try PolicyParser.strings(notAction) }
            if let resource { resources = try PolicyParser.strings(resource) }
            if let notResource { notResources = try PolicyParser.strings(notResource) }
        }

        /// The strings of `Action`/`NotAction`/`Resource`/`NotResource`, or nil when the
        /// statement has no such element.
        func strings(_ element: Element) -> [String]? {
            switch element {
            case .action: actions
            case .notAction: notActions
            case .resource: resources
            case .notResource: notResources
            case .sid, .effect, .principal, .notPrincipal, .condition: nil
            }
        }

        /// The strings of `first`, else of `second` (`Action`/`NotAction`, `Resource`/`NotResource`).
        func strings(_ first: Element, or second: Element) -> [String]? {
            strings(first) ?? strings(second)
        }
    }
}
