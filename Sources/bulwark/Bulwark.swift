import ArgumentParser

@main
struct Bulwark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulwark",
        abstract: "A self-hosted serverless platform that speaks the AWS Lambda API, secure by default.",
        subcommands: [Serve.self, Credentials.self, Doctor.self, IAMCommand.self]
    )
}
