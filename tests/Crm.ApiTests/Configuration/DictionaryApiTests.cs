using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Platform.Dictionaries;
using Crm.Platform.Tenants;

namespace Crm.ApiTests.Configuration;

public sealed class DictionaryApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static string Items(string name) => $"/api/v1/dictionaries/{name}/items";

    [Fact]
    public async Task NewTenantHasEveryDictionarySeededWithDefaults()
    {
        var tenant = await app.NewTenantAsync();
        var list = await tenant.Admin.GetJsonAsync("/api/v1/dictionaries");
        // The modules this service has declare theirs: the sales module's, not yet the service module's ticket severity.
        Assert.Equal(DataDictionaries.Sales.Select(d => d.Name), list.Items().Select(i => i.Str("name")));
        await (await tenant.Admin.GetAsync(Items(DataDictionaries.TicketSeverity))).ExpectProblemAsync(HttpStatusCode.NotFound, "dictionary.not_found");
        Assert.Contains(list.Items(), i => i.Str("name") == "customerSource" && i.Str("title") == "Customer source" && i.GetProperty("activeItems").GetInt32() == 7);
        var sources = (await tenant.Admin.GetJsonAsync(Items("customerSource"))).Items();
        Assert.Equal("website", sources[0].Str("value"));
        Assert.Equal([10, 20, 30], sources.Take(3).Select(i => i.GetProperty("sortOrder").GetInt32()));
        Assert.All(sources, i => Assert.True(i.GetProperty("active").GetBoolean()));
        foreach (var name in new[] { "customerLevel", "industry", "leadStatus", "followUpChannel", "lossReason", "decisionRole" })
        {
            Assert.NotEmpty((await tenant.Admin.GetJsonAsync(Items(name))).Items());
        }
    }

    [Fact]
    public async Task SeedingAgainAddsNothingAndATenantWithoutItemsIsSeededWhenRead()
    {
        var tenant = await app.NewTenantAsync();
        var directory = app.Service<DictionaryDirectory>();
        var before = (await directory.Store.AllAsync(tenant.Id).ToListAsync()).Count;
        await directory.SeedAsync(TenantProvisioning.Actor.Write(tenant.Id, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(before, (await directory.Store.AllAsync(tenant.Id).ToListAsync()).Count);
        // A tenant id with no items at all (as one provisioned before dictionaries existed) gets them on first read.
        var older = "0" + Crm.Domain.Common.Ids.New(DateTimeOffset.UtcNow)[1..];
        Assert.Equal(before, (await directory.AllAsync(older, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AdministratorAddsRenamesReordersRetiresAndReactivatesItems()
    {
        var tenant = await app.NewTenantAsync();
        var response = await tenant.Admin.PostAsJsonAsync(Items("industry"), new { value = "energy", label = "Energy" });
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("/api/v1/dictionaries/industry/items/energy", response.Headers.Location!.ToString());
        Assert.Equal(90, created.GetProperty("sortOrder").GetInt32());
        Assert.Equal($"\"{created.Str("version")}\"", response.Headers.ETag!.Tag);

        var patched = await (await tenant.Admin.PatchJsonAsync($"{Items("industry")}/energy", new { label = "Energy and utilities", sortOrder = 1 }, response.Headers.ETag.Tag)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Energy and utilities", patched.Str("label"));
        Assert.Equal("energy", (await tenant.Admin.GetJsonAsync(Items("industry"))).Items()[0].Str("value"));
        await (await tenant.Admin.PatchJsonAsync($"{Items("industry")}/energy", new { label = "x" }, response.Headers.ETag.Tag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");

        var retired = await tenant.Admin.PostJsonAsync($"{Items("industry")}/energy/retire", new { }, HttpStatusCode.OK);
        Assert.False(retired.GetProperty("active").GetBoolean());
        Assert.DoesNotContain((await tenant.Admin.GetJsonAsync(Items("industry") + "?active=true")).Items(), i => i.Str("value") == "energy");
        Assert.Contains((await tenant.Admin.GetJsonAsync(Items("industry"))).Items(), i => i.Str("value") == "energy");
        var back = await tenant.Admin.PostJsonAsync($"{Items("industry")}/energy/reactivate", new { }, HttpStatusCode.OK);
        Assert.True(back.GetProperty("active").GetBoolean());
        Assert.Equal("Energy and utilities", (await tenant.Admin.GetJsonAsync($"{Items("industry")}/energy")).Str("label"));
    }

    [Fact]
    public async Task BadItemsAreRefusedAndChangeNothing()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PostAsJsonAsync(Items("industry"), new { value = "retail", label = "Again" })).ExpectProblemAsync(HttpStatusCode.Conflict, "dictionary.duplicate_value");
        await (await tenant.Admin.PostAsJsonAsync(Items("industry"), new { value = "9 bad", label = "Bad" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync(Items("industry"), new { value = "ok", label = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await (await tenant.Admin.PostAsJsonAsync(Items("nonsense"), new { value = "ok", label = "Ok" })).ExpectProblemAsync(HttpStatusCode.NotFound, "dictionary.not_found");
        await (await tenant.Admin.GetAsync(Items("nonsense"))).ExpectProblemAsync(HttpStatusCode.NotFound, "dictionary.not_found");
        await (await tenant.Admin.GetAsync($"{Items("industry")}/nope")).ExpectProblemAsync(HttpStatusCode.NotFound, "dictionaryItem.not_found");
        // The value is the item's identity: a patch cannot change it.
        await (await tenant.Admin.PatchJsonAsync($"{Items("industry")}/retail", new { value = "shops" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(8, (await tenant.Admin.GetJsonAsync(Items("industry"))).Items().Count);
    }

    [Fact]
    public async Task AnyoneReadsButOnlySettingsManageChanges()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, ["memos.view"]);
        var (_, rep) = await tenant.NewMemberAsync(null, null, role);
        await rep.GetJsonAsync("/api/v1/dictionaries");
        await rep.GetJsonAsync(Items("leadStatus"));
        await (await rep.PostAsJsonAsync(Items("leadStatus"), new { value = "cold", label = "Cold" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PatchJsonAsync($"{Items("leadStatus")}/new", new { label = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PostAsJsonAsync($"{Items("leadStatus")}/new/retire", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PostAsJsonAsync($"{Items("leadStatus")}/new/reactivate", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }

    [Fact]
    public async Task DeclaredDictionaryFieldRefusesUnknownAndNewlyChosenRetiredValuesButKeepsHeldOnes()
    {
        var tenant = await app.NewTenantAsync();
        var kept = await tenant.Admin.PostJsonAsync("/api/v1/memos", new { name = "kept", level = "b" }, HttpStatusCode.Created);
        var problem = await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos", new { name = "x", level = "z" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_unknown");
        Assert.Contains("level", problem.ErrorFields());
        await tenant.Admin.PostJsonAsync($"{Items("customerLevel")}/b/retire", new { }, HttpStatusCode.OK);

        await (await tenant.Admin.PostAsJsonAsync("/api/v1/memos", new { name = "y", level = "b" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_retired");
        var other = await tenant.Admin.PostJsonAsync("/api/v1/memos", new { name = "other", level = "a" }, HttpStatusCode.Created);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{other.Id()}", new { level = "b" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_retired");
        Assert.Equal("a", (await tenant.Admin.GetJsonAsync($"/api/v1/memos/{other.Id()}")).Str("level"));
        // The record holding the retired value keeps it through other changes.
        var renamed = await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{kept.Id()}", new { name = "kept, renamed", level = "b" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("b", renamed.Str("level"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{kept.Id()}", new { level = "c" })).ExpectAsync(HttpStatusCode.OK);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/memos/{kept.Id()}", new { level = "b" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "dictionary.value_retired");
    }

    [Fact]
    public async Task ValidatorServiceChecksOnlyChangedValues()
    {
        var tenant = await app.NewTenantAsync();
        var validator = app.Service<DictionaryValidator>();
        await validator.EnsureAsync(tenant.Id, "customerSource", "website", null, "source", CancellationToken.None);
        await tenant.Admin.PostJsonAsync($"{Items("customerSource")}/website/retire", new { }, HttpStatusCode.OK);
        await validator.EnsureAsync(tenant.Id, "customerSource", "website", "website", "source", CancellationToken.None);
        var retired = await Assert.ThrowsAsync<Crm.Domain.Common.ValidationException>(() => validator.EnsureAsync(tenant.Id, "customerSource", "website", "referral", "source", CancellationToken.None));
        Assert.Equal("dictionary.value_retired", retired.Code);
        Assert.Equal(["source"], retired.Errors.Keys);
        var unknown = await Assert.ThrowsAsync<Crm.Domain.Common.ValidationException>(() => validator.EnsureAsync(tenant.Id, "customerSource", "tv", null, "source", CancellationToken.None));
        Assert.Equal("dictionary.value_unknown", unknown.Code);
    }
}
