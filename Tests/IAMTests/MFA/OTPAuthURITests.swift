import Foundation
import IAM
import Testing

@Suite("otpauth key URI")
struct OTPAuthURITests {
    @Test("AWS's form: issuer-prefixed label, device@account, Base32 secret, issuer parameter")
    func awsForm() throws {
        let secret = try #require(Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
        let uri = OTPAuthURI(issuer: OTPAuthURI.awsIssuer, deviceName: "root-account-mfa-device", accountName: "123456789012", secret: secret)
        #expect(
            uri.description
                == "otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456789012"
                + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services"
        )
    }

    @Test("names are escaped so that they cannot add separators or parameters")
    func escaping() {
        let uri = OTPAuthURI(deviceName: "alice+mfa@x", accountName: "my alias&secret=A", secret: Data([0xFF]))
        #expect(uri.description == "otpauth://totp/Bulwark:alice%2Bmfa%40x@my%20alias%26secret%3DA?secret=74&issuer=Bulwark")
        let components = URLComponents(string: uri.description)
        #expect(components?.queryItems?.map(\.name) == ["secret", "issuer"])
    }
}
