using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Access;

/// <summary>Hidden, masked and read-only fields in every answer (records, lists, batches, teams, export, change feed) and on writes.</summary>
public sealed class FieldRuleTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static readonly FieldRule[] Rules =
    [
        new("memos", "phone", FieldAccess.Masked),
        new("memos", "email", FieldAccess.Hidden),
        new("memos", "amount", FieldAccess.ReadOnly),
        new("memos", "customFields.cost", FieldAccess.Hidden),
        new("users", "phone", FieldAccess.Masked),
        new("users", "email", FieldAccess.Hidden),
    ];

    private async Task<(TestTenant Tenant, string UserId, HttpClient Client, string Memo)> SetUpAsync()
    {
        var tenant = await app.NewTenantAsync();
        // Custom fields are defined before records hold them (an undefined key answers 400).
        await tenant.DefineCustomFieldAsync("memos", "cost", "number");
        await tenant.DefineCustomFieldAsync("memos", "region", "text");
        var role = await app.CreateRoleAsync(tenant, DataScope.All, [.. AccessSetup.AllMemoRights, "events.view"], Rules);
        var (userId, client) = await tenant.NewMemberAsync(null, null, role);
        var memo = await tenant.Admin.CreateMemoAsync("memo, \"quoted\"", userId, "13812345678", "bob@example.com", 12.5m, new { cost = 7, region = "east" });
        return (tenant, userId, client, memo);
    }

    private static void AssertShaped(JsonElement memo)
    {
        Assert.Equal("138****5678", memo.Str("phone"));
        Assert.False(memo.TryGetProperty("email", out _));
        Assert.Equal(12.5m, memo.GetProperty("amount").GetDecimal());
        Assert.False(memo.GetProperty("customFields").TryGetProperty("cost", out _));
        Assert.Equal("east", memo.GetProperty("customFields").Str("region"));
    }

    [Fact]
    public async Task EveryRecordAnswerHidesAndMasksFields()
    {
        var (_, _, client, memo) = await SetUpAsync();
        AssertShaped(await client.GetJsonAsync($"/api/v1/memos/{memo}"));
        AssertShaped(Assert.Single((await client.GetJsonAsync("/api/v1/memos")).Items()));
        AssertShaped(Assert.Single((await client.GetJsonAsync("/api/v1/memos?q=memo")).Items()));
        // A masked phone is not searched: which records match longer prefixes would spell out the masked digits.
        Assert.Empty((await client.GetJsonAsync("/api/v1/memos?q=13812")).Items());
        AssertShaped(Assert.Single((await (await client.PostAsJsonAsync("/api/v1/memos/search", new { })).ExpectAsync(HttpStatusCode.OK)).Items()));
        var batch = await (await client.PostAsJsonAsync("/api/v1/memos/batch/read", new { inputs = new[] { new { id = memo } } })).ExpectAsync(HttpStatusCode.OK);
        AssertShaped(batch.GetProperty("results")[0].GetProperty("record"));
        AssertShaped(await (await client.PatchJsonAsync($"/api/v1/memos/{memo}", new { name = "renamed" })).ExpectAsync(HttpStatusCode.OK));
        AssertShaped(await client.PostJsonAsync($"/api/v1/memos/{memo}/team", new { userId = await FirstOtherUserAsync(client), access = "read" }, HttpStatusCode.OK));
        var created = await client.PostJsonAsync("/api/v1/memos", new { name = "own" }, HttpStatusCode.Created);
        Assert.False(created.TryGetProperty("email", out _));
    }

    private static async Task<string> FirstOtherUserAsync(HttpClient client)
    {
        var me = (await client.GetJsonAsync("/api/v1/me")).Id();
        return (await client.GetJsonAsync("/api/v1/users")).Ids().First(id => id != me);
    }

    [Fact]
    public async Task WritesNamingRestrictedFieldsAnswer403NamingTheFieldAndChangeNothing()
    {
        var (tenant, _, client, memo) = await SetUpAsync();
        var before = await tenant.Admin.GetJsonAsync($"/api/v1/memos/{memo}");
        foreach (var (patch, field) in new (object, string)[]
        {
            (new { amount = 1 }, "amount"),
            (new { phone = "13900000000" }, "phone"),
            (new { email = (string?)null }, "email"),
            (new { customFields = new { cost = 1 } }, "customFields.cost"),
        })
        {
            var problem = await (await client.PatchJsonAsync($"/api/v1/memos/{memo}", patch)).ExpectProblemAsync(HttpStatusCode.Forbidden, "field.read_only");
            Assert.Equal(field, problem.Str("field"));
            Assert.Contains(field, problem.ErrorFields());
        }
        await (await client.PostAsJsonAsync("/api/v1/memos", new { name = "new", email = "x@example.com" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "field.read_only");
        Assert.Equal(before.Str("version"), (await tenant.Admin.GetJsonAsync($"/api/v1/memos/{memo}")).Str("version"));
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/memos")).Items());
    }

    [Fact]
    public async Task CreatingWithoutNamingAReadOnlyFieldIsAllowedEvenWhenItHasADefault()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.All, ["users.manage"], [new("users", "gender", FieldAccess.ReadOnly)]);
        var (_, hr) = await tenant.NewMemberAsync(null, null, role);

        // gender is an enum whose default ("unspecified") every bound request carries.
        await hr.PostJsonAsync("/api/v1/users", new { login = "g" + Api.Stamp(), password = Api.StaffPassword, name = "No gender given" }, HttpStatusCode.Created);
        var problem = await (await hr.PostAsJsonAsync("/api/v1/users", new { login = "g" + Api.Stamp(), password = Api.StaffPassword, name = "Gender given", gender = "female" }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "field.read_only");
        Assert.Equal("gender", problem.Str("field"));
    }

    [Fact]
    public async Task UsersPhonesAndEmailsFollowTheRulesToo()
    {
        var (tenant, userId, client, _) = await SetUpAsync();
        var user = await client.GetJsonAsync($"/api/v1/users/{userId}");
        Assert.Equal("138****5678", user.Str("phone"));
        Assert.False(user.TryGetProperty("email", out _));
        Assert.All((await client.GetJsonAsync("/api/v1/users")).Items(), u => Assert.False(u.TryGetProperty("email", out _)));
        Assert.Equal("13812345678", (await tenant.Admin.GetJsonAsync($"/api/v1/users/{userId}")).Str("phone"));
    }

    [Fact]
    public async Task ExportAppliesTheRulesAndQuotesLikeRfc4180()
    {
        var (tenant, _, client, memo) = await SetUpAsync();
        var response = await client.GetAsync("/api/v1/memos/export?format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        var header = lines[0].Split(',');
        Assert.Equal("id", header[0]);
        Assert.Contains("phone", header);
        Assert.Contains("customFields.region", header);
        Assert.DoesNotContain("email", header);
        Assert.DoesNotContain("customFields.cost", header);
        Assert.StartsWith(memo + ",", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"memo, \"\"quoted\"\"\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("138****5678", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.com", lines[1], StringComparison.Ordinal);
        Assert.Equal([""], lines[2..]);

        var log = await tenant.Admin.GetJsonAsync("/api/v1/audit-logs?recordType=memo");
        Assert.Contains(log.Items(), e => e.Str("action") == "exported" && e.Str("note").StartsWith("1 rows", StringComparison.Ordinal));
        await (await client.GetAsync("/api/v1/memos/export?format=xlsx")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var (_, noExport) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["memos.view"]));
        await (await noExport.GetAsync("/api/v1/memos/export")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task ChangeFeedShowsOnlyVisibleRecordsWithTheirFieldsShaped()
    {
        var (tenant, _, client, memo) = await SetUpAsync();
        var selfRole = await app.CreateRoleAsync(tenant, DataScope.Self, ["memos.view", "events.view"], Rules);
        var (otherId, other) = await tenant.NewMemberAsync(null, null, selfRole);
        var othersMemo = await tenant.Admin.CreateMemoAsync("other's", otherId, "13700001234");

        var seen = await Http.EventuallyAsync(() => client.GetJsonAsync("/api/v1/events?types=crm.memo.created"), p => p.Items().Count >= 2);
        var created = seen.Items().Single(e => e.GetProperty("data").Str("recordId") == memo);
        var changes = created.GetProperty("data").GetProperty("changes");
        Assert.Equal("138****5678", changes.GetProperty("phone").Str("after"));
        Assert.False(changes.TryGetProperty("email", out _));
        Assert.False(changes.TryGetProperty("customFields.cost", out _));

        var theirs = await other.GetJsonAsync("/api/v1/events?types=crm.memo.created");
        Assert.Equal([othersMemo], theirs.Items().Select(e => e.GetProperty("data").Str("recordId")));
        var all = await tenant.Admin.GetJsonAsync("/api/v1/events?types=crm.memo.created");
        Assert.Contains(all.Items(), e => e.GetProperty("data").GetProperty("changes").TryGetProperty("email", out _));
    }
}

/// <summary>A host whose export limit is small enough to reach in a test.</summary>
public sealed class SmallExportApp : CrmApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Export:MaxRows"] = "3" };
}

public sealed class ExportLimitTests(SmallExportApp app) : IClassFixture<SmallExportApp>
{
    [Fact]
    public async Task AnExportOverTheLimitAsksForANarrowerFilterAndAFilteredOneSucceeds()
    {
        var tenant = await app.NewTenantAsync();
        for (var i = 0; i < 4; i++)
        {
            await tenant.Admin.CreateMemoAsync($"memo {i}", amount: i);
        }
        await (await tenant.Admin.GetAsync("/api/v1/memos/export")).ExpectProblemAsync(HttpStatusCode.BadRequest, "export.too_large");
        var csv = await (await tenant.Admin.GetAsync("/api/v1/memos/export?name=memo%201")).Content.ReadAsStringAsync();
        Assert.Equal(3, csv.Split("\r\n").Length);
        Assert.Contains("memo 1", csv, StringComparison.Ordinal);
        Assert.DoesNotContain((await tenant.Admin.GetJsonAsync("/api/v1/audit-logs?recordType=memo")).Items(), e => e.Str("action") == "exported" && e.Str("note").StartsWith('4'));
    }
}
