using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Configuration;

/// <summary>Custom field values on records written through the generic record API (memos, users): checked, normalised, searchable.</summary>
public sealed class CustomFieldValueTests(CrmApp app) : IClassFixture<CrmApp>
{
    private async Task<TestTenant> TenantWithFieldsAsync()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "note", "text", new { maxLength = 5 });
        await tenant.DefineCustomFieldAsync("memos", "score", "number");
        await tenant.DefineCustomFieldAsync("memos", "budget", "money");
        await tenant.DefineCustomFieldAsync("memos", "due", "date");
        await tenant.DefineCustomFieldAsync("memos", "seenAt", "datetime");
        await tenant.DefineCustomFieldAsync("memos", "vip", "boolean");
        await tenant.DefineCustomFieldAsync("memos", "tier", "picklist", new { options = new[] { "gold", "silver" } });
        await tenant.DefineCustomFieldAsync("memos", "tags", "multiPicklist", new { options = new[] { "a", "b", "c" } });
        await tenant.DefineCustomFieldAsync("memos", "source", "picklist", new { dictionary = "customerSource" });
        await tenant.DefineCustomFieldAsync("memos", "buddy", "user");
        await tenant.DefineCustomFieldAsync("memos", "mail", "email");
        await tenant.DefineCustomFieldAsync("memos", "mobile", "phone");
        await tenant.DefineCustomFieldAsync("memos", "site", "url");
        return tenant;
    }

    [Fact]
    public async Task ValidValuesAreStoredNormalised()
    {
        var tenant = await TenantWithFieldsAsync();
        var memo = await tenant.Admin.PostJsonAsync("/api/v1/memos", new
        {
            name = "full",
            customFields = new
            {
                note = " hi ", score = 7.5, budget = "1200.50", due = "2026-11-23", seenAt = "2026-11-23T17:30:00+08:00", vip = true, tier = "gold",
                tags = new[] { "a", "c", "a" }, source = "website", buddy = tenant.AdminUserId, mail = "bob@example.com", mobile = "+86 138-0013-8000", site = "https://example.com/x",
            },
        }, HttpStatusCode.Created);
        var custom = memo.GetProperty("customFields");
        Assert.Equal("hi", custom.Str("note"));
        Assert.Equal(1200.50m, custom.GetProperty("budget").GetDecimal());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, custom.GetProperty("budget").ValueKind);
        Assert.Equal("2026-11-23", custom.Str("due"));
        Assert.Equal("2026-11-23T09:30:00Z", custom.Str("seenAt"));
        Assert.Equal(["a", "c"], custom.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var stored = await tenant.Admin.GetJsonAsync($"/api/v1/memos/{memo.Id()}");
        Assert.Equal("2026-11-23T09:30:00Z", stored.GetProperty("customFields").Str("seenAt"));
    }

    [Theory]
    [InlineData("nope", "1", "customField.unknown")]
    [InlineData("note", "\"toolong\"", "customField.invalid")]
    [InlineData("note", "5", "customField.invalid")]
    [InlineData("score", "\"7\"", "customField.invalid")]
    [InlineData("budget", "\"lots\"", "customField.invalid")]
    [InlineData("due", "\"23/11/2026\"", "customField.invalid")]
    [InlineData("due", "\"2026-02-30\"", "customField.invalid")]
    [InlineData("seenAt", "\"2026-11-23\"", "customField.invalid")]
    [InlineData("vip", "\"yes\"", "customField.invalid")]
    [InlineData("tier", "\"bronze\"", "customField.invalid")]
    [InlineData("tags", "\"a\"", "customField.invalid")]
    [InlineData("tags", "[\"a\",\"z\"]", "customField.invalid")]
    [InlineData("source", "\"tv\"", "dictionary.value_unknown")]
    [InlineData("buddy", "\"01aaaaaaaaaaaaaaaaaaaaaaaa\"", "customField.invalid")]
    [InlineData("mail", "\"bob@\"", "customField.invalid")]
    [InlineData("mobile", "\"call me\"", "customField.invalid")]
    [InlineData("site", "\"ftp://example.com\"", "customField.invalid")]
    public async Task InvalidValuesAnswer400NamingTheCustomFieldOnCreateAndUpdate(string key, string json, string code)
    {
        var tenant = await TenantWithFieldsAsync();
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/memos", $$$"""{"name":"bad","customFields":{"{{{key}}}":{{{json}}}}}""")).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.Contains($"customFields.{key}", problem.ErrorFields());
        var memo = await tenant.Admin.CreateMemoAsync("good");
        var update = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/memos/{memo}")
        {
            Content = new StringContent($$$"""{"customFields":{"{{{key}}}":{{{json}}}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        problem = await (await tenant.Admin.SendAsync(update)).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.Contains($"customFields.{key}", problem.ErrorFields());
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/memos/{memo}")).GetProperty("customFields").EnumerateObject());
    }

    [Fact]
    public async Task RequiredFieldsAreNeededOnCreateAndCannotBeClearedButOthersMayBeLeftOut()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "region", "text", new { required = true });
        await tenant.DefineCustomFieldAsync("memos", "note", "text");
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos", new { name = "no region" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.required");
        Assert.Contains("customFields.region", problem.ErrorFields());
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos", new { name = "blank", customFields = new { region = "  " } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.required");
        var memo = await tenant.Admin.CreateMemoAsync("with region", customFields: new { region = "east" });
        // A patch that does not name the field leaves it; one that clears it, or all custom fields, is refused.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = new { note = "x" } })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = new { region = (string?)null } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.required");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = (object?)null })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.required");
        var patched = await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = new { note = (string?)null } })).ExpectAsync(HttpStatusCode.OK);
        Assert.False(patched.GetProperty("customFields").TryGetProperty("note", out _));
        Assert.Equal("east", patched.GetProperty("customFields").Str("region"));
        // Batch create goes through the same checks.
        var batch = await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/batch/create", new { inputs = new object[] { new { name = "b1", customFields = new { region = "w" } }, new { name = "b2" } } })).ExpectAsync((HttpStatusCode)207);
        Assert.Equal(400, batch.GetProperty("results")[1].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task InactiveFieldsKeepTheirValuesButTakeNoNewOnes()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "region", "text");
        var memo = await tenant.Admin.CreateMemoAsync("m", customFields: new { region = "east" });
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/region", new { active = false })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = new { region = "west" } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.inactive");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { name = "renamed" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("east", (await tenant.Admin.GetJsonAsync($"/api/v1/memos/{memo}")).GetProperty("customFields").Str("region"));
    }

    [Fact]
    public async Task DictionaryPicklistKeepsARetiredValueButRefusesItAnew()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "source", "picklist", new { dictionary = "customerSource" });
        var memo = await tenant.Admin.CreateMemoAsync("m", customFields: new { source = "referral" });
        await tenant.Admin.PostJsonAsync("/api/v1/dictionaries/customerSource/items/referral/retire", new { }, HttpStatusCode.OK);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos", new { name = "n", customFields = new { source = "referral" } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_retired");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = new { source = "referral" } })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SearchFiltersOnCustomFieldsAndSortsOnlyBySortableOnes()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "budget", "money");
        await tenant.DefineCustomFieldAsync("memos", "rank", "number", new { sortable = true });
        var big = await tenant.Admin.CreateMemoAsync("big", customFields: new { budget = 5000 });
        await tenant.Admin.CreateMemoAsync("small", customFields: new { budget = "10" });
        var found = await tenant.Admin.PostJsonAsync("/api/v1/memos/search",
            new { filterGroups = new[] { new { filters = new[] { new { field = "customFields.budget", op = "gt", value = 100 } } } } }, HttpStatusCode.OK);
        Assert.Equal([big], found.Ids());
        // Sorting needs the field's index: a field not made sortable is refused with what can be sorted by.
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/search", new { sort = new[] { new { field = "customFields.budget", dir = "desc" } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "search.sort_unsupported");
        var message = problem.GetProperty("errors").GetProperty("sort")[0].GetString();
        Assert.Contains("not sortable", message);
        Assert.Contains("customFields.rank", message);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos/search", new { sort = new[] { new { field = "customFields.tags", dir = "asc" } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "search.sort_unsupported");
    }

    [Fact]
    public async Task ExportHasAColumnPerCustomField()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "due", "date");
        await tenant.Admin.CreateMemoAsync("exported", customFields: new { due = "2026-01-31" });
        var csv = await (await tenant.Admin.GetAsync("/api/v1/memos/export?format=csv")).Content.ReadAsStringAsync();
        Assert.Contains("customFields.due", csv.Split('\n')[0]);
        Assert.Contains("2026-01-31", csv);
    }

    [Fact]
    public async Task UsersCarryCheckedCustomFields()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("users", "employeeNo", "text", new { required = true, maxLength = 8 });
        var login = "u" + Api.Stamp() + "@staff.test";
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/users", new { login, password = Api.StaffPassword, name = "No number" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.required");
        var user = await tenant.Admin.PostJsonAsync("/api/v1/users", new { login, password = Api.StaffPassword, name = "Numbered", customFields = new { employeeNo = "E-001" } }, HttpStatusCode.Created);
        Assert.Equal("E-001", user.GetProperty("customFields").Str("employeeNo"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { customFields = new { employeeNo = "E-000000001" } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.invalid");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { customFields = new { other = 1 } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "customField.unknown");
        var patched = await (await tenant.Admin.PatchJsonAsync($"/api/v1/users/{user.Id()}", new { customFields = new { employeeNo = "E-002" } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("E-002", patched.GetProperty("customFields").Str("employeeNo"));
    }
}
