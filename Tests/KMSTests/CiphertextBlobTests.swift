import Crypto
import Foundation
import Testing

@testable import KMS

@Suite("The ciphertext blob")
struct CiphertextBlobTests {
    let arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    let material = SymmetricKey(size: .bits256)

    @Test func roundTripsAndNamesItsKeyAndVersion() throws {
        let blob = try CiphertextBlob.seal(Data("secret".utf8), keyARN: arn, version: 3, material: material, context: ["app": "x"])
        let read = try CiphertextBlob(blob.bytes)
        #expect(read.keyARN == arn)
        #expect(read.version == 3)
        #expect(try read.open(material: material, context: ["app": "x"]) == Data("secret".utf8))
        // The plaintext does not appear in the blob.
        #expect(blob.bytes.range(of: Data("secret".utf8)) == nil)
    }

    @Test(
        arguments: [
            [:], ["app": "y"], ["app": "x", "extra": "1"], ["APP": "x"],
        ] as [[String: String]])
    func refusesAnotherEncryptionContext(_ other: [String: String]) throws {
        let blob = try CiphertextBlob.seal(Data("secret".utf8), keyARN: arn, version: 1, material: material, context: ["app": "x"])
        #expect(throws: CiphertextBlob.Malformed.self) { try CiphertextBlob(blob.bytes).open(material: material, context: other) }
    }

    @Test func refusesAnotherKeyMaterial() throws {
        let blob = try CiphertextBlob.seal(Data("secret".utf8), keyARN: arn, version: 1, material: material, context: [:])
        #expect(throws: CiphertextBlob.Malformed.self) {
            try CiphertextBlob(blob.bytes).open(material: SymmetricKey(size: .bits256), context: [:])
        }
    }

    @Test func refusesEveryAlteredByte() throws {
        let bytes = try CiphertextBlob.seal(Data("secret".utf8), keyARN: arn, version: 1, material: material, context: [:]).bytes
        for index in bytes.indices {
            var altered = bytes
            altered[index] ^= 0x01
            let opened = try? CiphertextBlob(altered).open(material: material, context: [:])
            #expect(opened == nil, "byte \(index) altered still decrypts")
        }
    }

    @Test(arguments: [Data(), Data([1]), Data([2, 0, 1, 65]), Data([1, 0, 0]), Data([1, 0, 200]) + Data(repeating: 65, count: 40)])
    func refusesBytesThatAreNoBlob(_ bytes: Data) {
        #expect(throws: CiphertextBlob.Malformed.self) { try CiphertextBlob(bytes) }
    }

    @Test func contextEncodingIsUnambiguous() {
        #expect(EncryptionContext.canonical(["a": "bc"]) != EncryptionContext.canonical(["ab": "c"]))
        #expect(EncryptionContext.canonical(["a": "1", "b": "2"]) == EncryptionContext.canonical(["b": "2", "a": "1"]))
    }
}
