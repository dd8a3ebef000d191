using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>What reaches the app through a real Kestrel: odd bytes in headers get the API's problems; what Kestrel refuses itself is a bare 400.</summary>
public sealed class ServerEdgeTests(KestrelCrmApp app) : IClassFixture<KestrelCrmApp>
{
    [Theory]
    [InlineData(new byte[] { 0xC3, 0xA9, 0x74, 0xC3, 0xA9 })]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x41 })]
    public async Task ACredentialThatIsNotAsciiIsA401Problem(byte[] token)
    {
        var (status, head, body) = await app.SendRawAsync(KestrelCrmApp.Request("GET /api/v1/customers HTTP/1.1", [.. "Authorization: Bearer "u8.ToArray(), .. token]));
        Assert.Equal(401, status);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"auth.invalid_token\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApiKeyThatIsNotAsciiIsA401Problem()
    {
        var (status, head, _) = await app.SendRawAsync(KestrelCrmApp.Request("GET /api/v1/customers HTTP/1.1", [.. "X-Api-Key: crmk_"u8.ToArray(), 0xFF, 0x41]));
        Assert.Equal(401, status);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Kestrel answers a path that decodes to a NUL before any middleware runs and offers no hook for its body
    /// (docs/conventions.md says so): the answer is a 400 with no content, and the connection closes.
    /// </summary>
    [Fact]
    public async Task APathWithAnEncodedNulIsRefusedByTheServerWithABare400()
    {
        var (status, head, body) = await app.SendRawAsync(KestrelCrmApp.Request("GET /api/v1/customers/a%00b HTTP/1.1"));
        Assert.Equal(400, status);
        Assert.Contains("Content-Length: 0", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", body);
    }
}
