using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Configuration;

/// <summary>Custom field definitions: <c>/api/v1/custom-fields/{entityType}</c>.</summary>
public sealed class CustomFieldApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task AdministratorDefinesListsChangesAndDeletesFields()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/custom-fields/memos",
            new { key = "region", label = " Region ", type = "picklist", options = new[] { "north", "south" }, required = true, sortOrder = 2 });
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("/api/v1/custom-fields/memos/region", response.Headers.Location!.ToString());
        Assert.Equal("Region", created.Str("label"));
        Assert.Equal("memos", created.Str("entityType"));
        await tenant.DefineCustomFieldAsync("memos", "budget", "money", new { sortOrder = 1 });
        Assert.Equal(["budget", "region"], (await tenant.Admin.GetJsonAsync("/api/v1/custom-fields/memos")).Items().Select(i => i.Str("key")));
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/custom-fields/users")).Items());

        var patched = await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/region", new { options = new[] { "north", "south", "west" }, required = false },
            response.Headers.ETag!.Tag)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, patched.GetProperty("options").GetArrayLength());
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/region", new { label = "x" }, response.Headers.ETag.Tag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");
        // No values yet: the type may change.
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/region", new { type = "text", options = (string[]?)null })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.DeleteAsync("/api/v1/custom-fields/memos/region", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync("/api/v1/custom-fields/memos/region")).ExpectProblemAsync(HttpStatusCode.NotFound, "customField.not_found");
        // The key is free again.
        await tenant.DefineCustomFieldAsync("memos", "region", "text");
    }

    [Theory]
    [InlineData("""{"key":"Region","label":"R","type":"text"}""", "key")]
    [InlineData("""{"key":"region_1","label":"R","type":"text"}""", "key")]
    [InlineData("""{"key":"region","label":"R","type":"colour"}""", "type")]
    [InlineData("""{"key":"region","label":"R","type":"picklist"}""", "options")]
    [InlineData("""{"key":"region","label":"R","type":"picklist","options":["a","a"]}""", "options")]
    [InlineData("""{"key":"region","label":"R","type":"picklist","dictionary":"nonsense"}""", "dictionary")]
    [InlineData("""{"key":"region","label":"R","type":"number","maxLength":5}""", "maxLength")]
    [InlineData("""{"key":"region","label":"R","type":"text","options":["a"]}""", "options")]
    [InlineData("""{"key":"region","label":"R","type":"text","maxLength":0}""", "maxLength")]
    public async Task InvalidDefinitionsAnswer400NamingTheField(string body, string field)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.PostJsonAsync("/api/v1/custom-fields/memos", body)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.ErrorFields(), f => f.Equals(field, StringComparison.OrdinalIgnoreCase) || f.StartsWith(field, StringComparison.OrdinalIgnoreCase));
        Assert.Empty((await tenant.Admin.GetJsonAsync("/api/v1/custom-fields/memos")).Items());
    }

    [Fact]
    public async Task DuplicateKeysConflictAndUnknownEntityTypesAreRefused()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "region", "text");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/custom-fields/memos", new { key = "region", label = "R", type = "number" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "customField.duplicate_key");
        // The same key on another record type is another field.
        await tenant.DefineCustomFieldAsync("users", "region", "text");
        foreach (var entityType in new[] { "departments", "roles", "nonsense", "customfields" })
        {
            await (await tenant.Admin.PostAsJsonAsync($"/api/v1/custom-fields/{entityType}", new { key = "x", label = "X", type = "text" }))
                .ExpectProblemAsync(HttpStatusCode.NotFound, "customFieldEntityType.not_found");
            await (await tenant.Admin.GetAsync($"/api/v1/custom-fields/{entityType}")).ExpectProblemAsync(HttpStatusCode.NotFound, "customFieldEntityType.not_found");
        }
    }

    [Fact]
    public async Task TypeOfAFieldWithValuesCannotChangeNorCanItBeDeleted()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "score", "number");
        var memo = await tenant.Admin.CreateMemoAsync("scored", customFields: new { score = 5 });
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/score", new { type = "text" })).ExpectProblemAsync(HttpStatusCode.Conflict, "customField.in_use");
        await (await tenant.Admin.DeleteAsync("/api/v1/custom-fields/memos/score", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "customField.in_use");
        Assert.Equal("number", (await tenant.Admin.GetJsonAsync("/api/v1/custom-fields/memos/score")).Str("type"));
        // Label, required and active still change; once no record holds a value, the type does too.
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/score", new { label = "Score (0-10)", active = false })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{memo}", new { customFields = new { score = (int?)null } })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync("/api/v1/custom-fields/memos/score", new { type = "text" })).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnyoneReadsDefinitionsButOnlySettingsManageChangesThem()
    {
        var tenant = await app.NewTenantAsync();
        await tenant.DefineCustomFieldAsync("memos", "region", "text");
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, ["memos.view"]);
        var (_, rep) = await tenant.NewMemberAsync(null, null, role);
        Assert.Single((await rep.GetJsonAsync("/api/v1/custom-fields/memos")).Items());
        await rep.GetJsonAsync("/api/v1/custom-fields/memos/region");
        await (await rep.PostAsJsonAsync("/api/v1/custom-fields/memos", new { key = "x", label = "X", type = "text" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PatchJsonAsync("/api/v1/custom-fields/memos/region", new { label = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.DeleteAsync("/api/v1/custom-fields/memos/region", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
