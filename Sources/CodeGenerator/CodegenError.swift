/// A failure of the generator, with a message that says which model or configuration entry is at fault.
struct CodegenError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
