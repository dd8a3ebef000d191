using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Access;

/// <summary>
/// Many sign-ins of one user at once: the lockout still bounds how many passwords are checked, and no
/// attempt answers anything but a sign-in's own outcomes (never a 500).
/// </summary>
public sealed class SignInBurstTests(CrmApp app) : IClassFixture<CrmApp>
{
    private const int Burst = 30;

    private async Task<(HttpStatusCode Status, string? Code)> SignInAsync(TestTenant tenant, string login, string password)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { tenant = tenant.Slug, login, password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    private async Task<(TestTenant Tenant, string UserId, string Login)> UserWithThresholdAsync(int threshold)
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PatchJsonAsync("/api/v1/settings/security", new { lockoutThreshold = threshold })).ExpectAsync(HttpStatusCode.OK);
        var login = "b" + Api.Stamp() + "@staff.test";
        return (tenant, (await tenant.CreateUserAsync(login)).Id(), login);
    }

    private async Task<IReadOnlyList<string?>> LoggedReasonsAsync(TestTenant tenant, string userId) =>
        [.. (await tenant.Admin.ListAllAsync($"/api/v1/login-logs?userId={userId}&limit=200"))
            .Select(e => e.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null)];

    [Fact]
    public async Task ParallelGuessesCheckAtMostThresholdPasswordsAndTheRightOneInTheBurstIsLockedOut()
    {
        const int threshold = 3;
        var (tenant, userId, login) = await UserWithThresholdAsync(threshold);

        var wrong = Enumerable.Range(0, Burst).Select(i => SignInAsync(tenant, login, "Wrong-Password-" + i)).ToList();
        var right = SignInAsync(tenant, login, Api.StaffPassword);
        var answers = await Task.WhenAll([.. wrong, right]);

        Assert.All(answers, a => Assert.True(
            a is (HttpStatusCode.Unauthorized, "auth.invalid_credentials" or "auth.locked_out") or (HttpStatusCode.OK, null), $"answered {a}"));
        var checkedWrong = answers.Count(a => a.Code == "auth.invalid_credentials");
        var lockedOut = answers.Count(a => a.Code == "auth.locked_out");
        var signedIn = (await right).Status == HttpStatusCode.OK;
        if (signedIn)
        {
            // The right password was among the first checks: it reset the count once, so at most one more window of guesses ran.
            Assert.True(checkedWrong <= 2 * threshold - 1, $"{checkedWrong} wrong passwords were checked");
        }
        else
        {
            // Exactly as many checks as the threshold ran; every other attempt, the right one included, was refused unchecked.
            Assert.Equal(threshold, checkedWrong);
            Assert.Equal(Burst + 1 - threshold, lockedOut);
            Assert.Equal("auth.locked_out", (await SignInAsync(tenant, login, Api.StaffPassword)).Code);
        }

        // The login log says what each attempt was answered.
        var logged = await LoggedReasonsAsync(tenant, userId);
        var loggedAfterBurst = signedIn ? logged : logged.Skip(1).ToList(); // newest first: the check above
        Assert.Equal(Burst + 1, loggedAfterBurst.Count);
        Assert.Equal(checkedWrong, loggedAfterBurst.Count(r => r == "invalid_credentials"));
        Assert.Equal(lockedOut, loggedAfterBurst.Count(r => r == "locked_out"));
        Assert.Equal(signedIn ? 1 : 0, loggedAfterBurst.Count(r => r is null));
    }

    [Fact]
    public async Task ConcurrentWrongPasswordsNeverAnswer500()
    {
        var (tenant, _, login) = await UserWithThresholdAsync(5);

        var answers = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => SignInAsync(tenant, login, "Wrong-Password-" + i)));

        Assert.All(answers, a => Assert.True(a is (HttpStatusCode.Unauthorized, "auth.invalid_credentials" or "auth.locked_out"), $"answered {a}"));
        Assert.Equal(5, answers.Count(a => a.Code == "auth.invalid_credentials"));
    }

    [Fact]
    public async Task ConcurrentWrongPasswordsUnderAHighThresholdAreEachCountedWithout500()
    {
        // Every attempt is checked and must land on the same lockout row: the most contention that row sees.
        var (tenant, _, login) = await UserWithThresholdAsync(Burst);

        var answers = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => SignInAsync(tenant, login, "Wrong-Password-" + i)));

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.Unauthorized, "auth.invalid_credentials"), a));
        Assert.Equal((HttpStatusCode.Unauthorized, "auth.locked_out"), await SignInAsync(tenant, login, Api.StaffPassword));
    }

    [Fact]
    public async Task RightPasswordsAmongConcurrentWrongOnesSignInWhileTheirClearsRaceTheCount()
    {
        // A right password clears the lockout row while wrong ones are writing to it: they count again on what is there now.
        var (tenant, _, login) = await UserWithThresholdAsync(100);

        var answers = await Task.WhenAll(Enumerable.Range(0, Burst)
            .Select(i => i % 3 == 0 ? SignInAsync(tenant, login, Api.StaffPassword) : SignInAsync(tenant, login, "Wrong-Password-" + i)));

        for (var i = 0; i < Burst; i++)
        {
            Assert.Equal(i % 3 == 0 ? (HttpStatusCode.OK, null) : (HttpStatusCode.Unauthorized, "auth.invalid_credentials"), answers[i]);
        }
    }
}
