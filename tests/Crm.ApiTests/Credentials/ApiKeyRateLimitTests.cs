using System.Net;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Credentials;

/// <summary>Five requests a minute per API key; the tenant's own quota stays at its default.</summary>
public sealed class TinyKeyQuotaApp : CrmApp
{
    public const int Permits = 5;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:ApiKeyPermitsPerWindow"] = "5",
        ["RateLimits:ApiKeyWindowSeconds"] = "60",
    };
}

public sealed class ApiKeyRateLimitTests(TinyKeyQuotaApp app) : IClassFixture<TinyKeyQuotaApp>
{
    [Fact]
    public async Task EachKeyHasItsOwnBucketApartFromTheTenants()
    {
        var tenant = await app.NewTenantAsync();
        var busy = app.ClientWithApiKey((await tenant.Admin.CreateApiKeyAsync(["departments.manage"])).Str("key"));
        var quiet = app.ClientWithApiKey((await tenant.Admin.CreateApiKeyAsync(["departments.manage"])).Str("key"));

        HttpResponseMessage last;
        var answered = 0;
        do
        {
            last = await busy.GetAsync("/api/v1/departments");
            answered++;
        }
        while (last.StatusCode == HttpStatusCode.OK && answered < 4 * TinyKeyQuotaApp.Permits);
        await last.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate_limit.exceeded");
        Assert.InRange(answered - 1, TinyKeyQuotaApp.Permits - 1, TinyKeyQuotaApp.Permits + 1);
        Assert.NotNull(last.Headers.RetryAfter);
        Assert.Equal("\"apiKey\";q=5;w=60", string.Join(",", last.Headers.GetValues("RateLimit-Policy")));

        var other = await quiet.GetAsync("/api/v1/departments");
        await other.ExpectAsync(HttpStatusCode.OK);
        Assert.StartsWith("\"apiKey\";r=4;", string.Join(",", other.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        var staff = await tenant.Admin.GetAsync("/api/v1/departments");
        await staff.ExpectAsync(HttpStatusCode.OK);
        Assert.StartsWith("\"tenant\";", string.Join(",", staff.Headers.GetValues("RateLimit-Policy")), StringComparison.Ordinal);
    }
}
