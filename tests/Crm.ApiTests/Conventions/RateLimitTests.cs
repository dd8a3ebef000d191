using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>A quota of ten requests a minute per tenant (and per address for anonymous callers).</summary>
public sealed class TinyQuotaApp : CrmApp
{
    public const int Permits = 10;
    public const int Window = 60;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:PermitsPerWindow"] = Permits.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:WindowSeconds"] = Window.ToString(CultureInfo.InvariantCulture),
    };
}

public sealed partial class RateLimitTests(TinyQuotaApp app) : IClassFixture<TinyQuotaApp>
{
    [GeneratedRegex("^\"tenant\";r=(\\d+);t=(\\d+)$")]
    private static partial Regex RateLimitHeader();

    private static int Remaining(HttpResponseMessage response)
    {
        var match = RateLimitHeader().Match(string.Join(",", response.Headers.GetValues("RateLimit")));
        Assert.True(match.Success, "RateLimit header has the form \"tenant\";r=<n>;t=<s>");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AnswersTooManyRequestsWithRetryAfterOnceTheTenantQuotaIsUsed()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last;
        do
        {
            last = await tenant.Admin.GetAsync("/api/v1/departments");
            statuses.Add(last.StatusCode);
        }
        while (last.StatusCode != HttpStatusCode.TooManyRequests && statuses.Count < 3 * TinyQuotaApp.Permits);

        var problem = await last.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate_limit.exceeded");
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
        // The quota holds: at most one extra permit may have refilled while the loop ran.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), TinyQuotaApp.Permits - 1, TinyQuotaApp.Permits + 1);
        var retryAfter = last.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("429 without Retry-After seconds");
        // The bucket refills evenly over the window: the next permit is a sixth of a minute away, not a second.
        Assert.InRange(retryAfter.TotalSeconds, (double)TinyQuotaApp.Window / TinyQuotaApp.Permits - 1, TinyQuotaApp.Window);
        Assert.Equal(0, Remaining(last));
        Assert.True(last.Headers.Contains("RateLimit-Policy"));

        // Writes are refused too, and nothing is written.
        var write = await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Over quota" });
        await write.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate_limit.exceeded");

        // Another tenant has its own quota.
        var fine = await other.Admin.GetAsync("/api/v1/departments");
        await fine.ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("Over quota", await fine.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadersAnnounceThePolicyAndCountDown()
    {
        var tenant = await app.NewTenantAsync();
        var first = await tenant.Admin.GetAsync("/api/v1/me");
        await first.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal($"\"tenant\";q={TinyQuotaApp.Permits};w={TinyQuotaApp.Window}", string.Join(",", first.Headers.GetValues("RateLimit-Policy")));
        var second = await tenant.Admin.GetAsync("/api/v1/me");
        Assert.InRange(Remaining(first), 0, TinyQuotaApp.Permits - 1);
        Assert.InRange(Remaining(second), 0, Remaining(first));
    }
}

/// <summary>Every response, whatever its status, tells the client its quota.</summary>
public sealed class RateLimitHeaderTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static void AssertHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(response.Headers.Contains("RateLimit"), $"{what} ({(int)response.StatusCode}) without RateLimit");
        Assert.True(response.Headers.Contains("RateLimit-Policy"), $"{what} ({(int)response.StatusCode}) without RateLimit-Policy");
    }

    [Fact]
    public async Task EveryResponseCarriesRateLimitHeaders()
    {
        var tenant = await app.NewTenantAsync();
        var department = await tenant.CreateDepartmentAsync("Headers");
        var anonymous = app.CreateClient();

        var responses = new (string What, HttpResponseMessage Response)[]
        {
            ("read", await tenant.Admin.GetAsync($"/api/v1/departments/{department.Id()}")),
            ("create", await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Created" })),
            ("invalid", await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "" })),
            ("conflict", await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Headers" })),
            ("not found", await tenant.Admin.GetAsync("/api/v1/departments/01jzzzzzzzzzzzzzzzzzzzzzzz")),
            ("unknown route", await tenant.Admin.GetAsync("/api/v1/nothing-here")),
            ("stale If-Match", await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{department.Id()}", new { name = "X" }, "\"stale\"")),
            ("delete", await tenant.Admin.DeleteAsync($"/api/v1/departments/{department.Id()}")),
            ("wrong content type", await tenant.Admin.PostAsync("/api/v1/departments", new StringContent("x"))),
            ("anonymous", await anonymous.GetAsync("/api/v1/departments")),
            ("bad token", await app.ClientWithToken("garbage").GetAsync("/api/v1/departments")),
            ("sign-in failure", await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login = "nobody", password = "Nothing-1234" })),
            ("health", await anonymous.GetAsync("/healthz")),
        };
        foreach (var (what, response) in responses)
        {
            AssertHeaders(response, what);
        }
    }

    [Fact]
    public async Task TooLargeBodyCarriesRateLimitHeaders()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Big", description = new string('x', 1024 * 1024 + 10) });
        await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        AssertHeaders(response, "too large");
    }

    [Fact]
    public async Task RefusalOfDisabledUserCarriesRateLimitHeaders()
    {
        var tenant = await app.NewTenantAsync();
        var (staffId, staff) = await tenant.NewStaffAsync();
        await tenant.Admin.PostJsonAsync($"/api/v1/users/{staffId}/disable", new { }, HttpStatusCode.OK);
        var response = await staff.GetAsync("/api/v1/me");
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "auth.user_disabled");
        AssertHeaders(response, "disabled user");
    }
}
