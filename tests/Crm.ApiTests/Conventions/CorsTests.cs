using System.Net;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>The service with one front end allowed to call it from its own origin.</summary>
public sealed class CorsApp : CrmApp
{
    public const string FrontEnd = "https://crm.example.com";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Cors:AllowedOrigins"] = FrontEnd + ", https://admin.example.com" };
}

/// <summary>A browser front end on an allowed origin can call the API: preflights need no credential, answers expose what a client reads.</summary>
public sealed class CorsTests(CorsApp app) : IClassFixture<CorsApp>
{
    private static HttpRequestMessage Preflight(string origin, string method = "PATCH", string headers = "authorization,content-type,if-match,idempotency-key") =>
        new(HttpMethod.Options, "/api/v1/customers/01jzzzzzzzzzzzzzzzzzzzzzzz")
        {
            Headers = { { "Origin", origin }, { "Access-Control-Request-Method", method }, { "Access-Control-Request-Headers", headers } },
        };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task APreflightFromAnAllowedOriginIsAnsweredWithoutACredential()
    {
        var response = await app.CreateClient().SendAsync(Preflight(CorsApp.FrontEnd));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CorsApp.FrontEnd, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("PATCH", Header(response, "Access-Control-Allow-Methods")!, StringComparison.Ordinal);
        var allowed = Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant();
        Assert.All(new[] { "authorization", "content-type", "if-match", "idempotency-key" }, h => Assert.Contains(h, allowed, StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("RateLimit"), "a preflight spent a rate-limit permit");
    }

    [Fact]
    public async Task AnAnswerToAnAllowedOriginExposesETagLocationAndRateLimits()
    {
        var tenant = await app.NewTenantAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/departments") { Content = TransferJson("{\"name\":\"Sales\"}") };
        request.Headers.Add("Origin", CorsApp.FrontEnd);
        var response = await tenant.Admin.SendAsync(request);
        await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(CorsApp.FrontEnd, Header(response, "Access-Control-Allow-Origin"));
        var exposed = Header(response, "Access-Control-Expose-Headers")!;
        Assert.All(new[] { "ETag", "Location", "RateLimit", "RateLimit-Policy", "Retry-After" }, h => Assert.Contains(h, exposed, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("https://crm.example.com.evil.example")]
    [InlineData("http://crm.example.com")]
    public async Task AnotherOriginGetsNoCorsHeaders(string origin)
    {
        var response = await app.CreateClient().SendAsync(Preflight(origin));
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        var get = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { { "Origin", origin } } };
        Assert.Null(Header(await app.CreateClient().SendAsync(get), "Access-Control-Allow-Origin"));
    }

    private static StringContent TransferJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

public sealed class WildcardCorsApp : CrmApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Cors:AllowedOrigins"] = "*" };
}

/// <summary>Without configuration no origin is allowed: the API answers browsers on other origins with no CORS headers.</summary>
public sealed class CorsDefaultTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task NoOriginIsAllowedByDefault()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/customers")
        {
            Headers = { { "Origin", CorsApp.FrontEnd }, { "Access-Control-Request-Method", "GET" } },
        };
        var response = await app.CreateClient().SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public void AWildcardOriginStopsTheServiceAtStartWithAClearMessage()
    {
        var wildcard = new WildcardCorsApp();
        var failure = Assert.ThrowsAny<Exception>(() => wildcard.CreateClient());
        Assert.Contains("Cors:AllowedOrigins may not be '*'", failure.ToString(), StringComparison.Ordinal);
    }
}
