using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;
using Crm.Domain.Configuration;
using Crm.Sales.Pipelines;
using Crm.Storage.Records;

namespace Crm.ApiTests.Configuration;

public sealed class PipelineApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static object Stages(string prefix = "") => new object[]
    {
        new { key = prefix + "first", name = "First", probability = 20, kind = "open" },
        new { key = prefix + "won", name = "Won", probability = 100, kind = "won" },
        new { key = prefix + "lost", name = "Lost", probability = 0, kind = "lost" },
    };

    [Fact]
    public async Task NewTenantHasTheStandardDefaultPipeline()
    {
        var tenant = await app.NewTenantAsync();
        var pipeline = Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/pipelines")).Items());
        Assert.True(pipeline.GetProperty("isDefault").GetBoolean());
        Assert.Equal(["qualification", "needsAnalysis", "proposal", "negotiation", "won", "lost"], pipeline.GetProperty("stages").EnumerateArray().Select(s => s.Str("key")));
        Assert.Equal([10, 30, 60, 80, 100, 0], pipeline.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("probability").GetInt32()));
        Assert.Equal(pipeline.Id(), (await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default")).Id());
        // Seeding again is a no-op.
        var again = await app.Service<PipelineService>().EnsureDefaultAsync(new WriteContext(tenant.Id, "system", null, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(pipeline.Id(), again.Id);
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/pipelines")).Items());
    }

    [Fact]
    public async Task ATenantWithoutPipelinesGetsTheDefaultWhenAsked()
    {
        var tenantId = "0" + Crm.Domain.Common.Ids.New(DateTimeOffset.UtcNow)[1..];
        var service = app.Service<PipelineService>();
        var created = await service.DefaultAsync(tenantId, CancellationToken.None);
        Assert.True(created.IsDefault);
        Assert.Equal(created.Id, (await service.DefaultAsync(tenantId, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task AdministratorCreatesChangesSwitchesDefaultAndDeletesPipelines()
    {
        var tenant = await app.NewTenantAsync();
        var standard = await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default");
        var response = await tenant.Admin.PostAsJsonAsync("/api/v1/pipelines", new { name = " Renewals ", stages = Stages() });
        var renewals = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Renewals", renewals.Str("name"));
        Assert.False(renewals.GetProperty("isDefault").GetBoolean());

        var changed = await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{renewals.Id()}", new { name = "Renewal deals" }, response.Headers.ETag!.Tag)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renewal deals", changed.Str("name"));
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{renewals.Id()}", new { name = "x" }, response.Headers.ETag.Tag)).ExpectProblemAsync(HttpStatusCode.PreconditionFailed, "record.version_mismatch");

        var madeDefault = await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{renewals.Id()}", new { isDefault = true })).ExpectAsync(HttpStatusCode.OK);
        Assert.True(madeDefault.GetProperty("isDefault").GetBoolean());
        Assert.False((await tenant.Admin.GetJsonAsync($"/api/v1/pipelines/{standard.Id()}")).GetProperty("isDefault").GetBoolean());
        Assert.Equal(renewals.Id(), (await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default")).Id());

        // A new pipeline created as default takes the flag too: still exactly one.
        var third = await tenant.Admin.PostJsonAsync("/api/v1/pipelines", new { name = "Projects", stages = Stages(), isDefault = true }, HttpStatusCode.Created);
        Assert.True(third.GetProperty("isDefault").GetBoolean());
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/pipelines")).Items(), p => p.GetProperty("isDefault").GetBoolean());

        await (await tenant.Admin.DeleteAsync($"/api/v1/pipelines/{renewals.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.GetAsync($"/api/v1/pipelines/{renewals.Id()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "pipeline.not_found");
    }

    [Fact]
    public async Task TheDefaultCannotBeUndefaultedOrDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var standard = await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{standard.Id()}", new { isDefault = false })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.default_required");
        await (await tenant.Admin.DeleteAsync($"/api/v1/pipelines/{standard.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.default_not_deletable");
        Assert.True((await tenant.Admin.GetJsonAsync($"/api/v1/pipelines/{standard.Id()}")).GetProperty("isDefault").GetBoolean());
    }

    [Theory]
    [InlineData("""{"name":"P","stages":[{"key":"a","name":"A","probability":10,"kind":"open"},{"key":"w","name":"W","probability":100,"kind":"won"}]}""")]
    [InlineData("""{"name":"P","stages":[{"key":"a","name":"A","probability":10,"kind":"won"},{"key":"w","name":"W","probability":100,"kind":"won"},{"key":"l","name":"L","probability":0,"kind":"lost"}]}""")]
    [InlineData("""{"name":"P","stages":[{"key":"a","name":"A","probability":10,"kind":"open"},{"key":"a","name":"W","probability":100,"kind":"won"},{"key":"l","name":"L","probability":0,"kind":"lost"}]}""")]
    [InlineData("""{"name":"P","stages":[{"key":"a","name":"A","probability":101,"kind":"open"},{"key":"w","name":"W","probability":100,"kind":"won"},{"key":"l","name":"L","probability":0,"kind":"lost"}]}""")]
    [InlineData("""{"name":"P","stages":[{"key":"A b","name":"A","probability":10,"kind":"open"},{"key":"w","name":"W","probability":100,"kind":"won"},{"key":"l","name":"L","probability":0,"kind":"lost"}]}""")]
    [InlineData("""{"name":"P","stages":[]}""")]
    public async Task InvalidStagesAnswer400AndStoreNothing(string body)
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PostJsonAsync("/api/v1/pipelines", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "pipeline.invalid");
        Assert.Single((await tenant.Admin.GetJsonAsync("/api/v1/pipelines")).Items());
    }

    [Fact]
    public async Task NamesAreUniqueAndAPatchKeepsTheShape()
    {
        var tenant = await app.NewTenantAsync();
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/pipelines", new { name = "sales", stages = Stages() })).ExpectProblemAsync(HttpStatusCode.Conflict, "pipeline.duplicate_name");
        var standard = await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default");
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/pipelines/{standard.Id()}", new { stages = new[] { new { key = "only", name = "Only", probability = 5, kind = "open" } } }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "pipeline.invalid");
        Assert.Equal(6, (await tenant.Admin.GetJsonAsync("/api/v1/pipelines/default")).GetProperty("stages").GetArrayLength());
    }

    [Fact]
    public async Task APipelineInUseCannotBeDeleted()
    {
        var tenant = await app.NewTenantAsync();
        var used = await tenant.Admin.PostJsonAsync("/api/v1/pipelines", new { name = "Used", stages = Stages() }, HttpStatusCode.Created);
        var service = new PipelineService(app.Service<RecordStore<Pipeline>>(), [new UsedPipelines(used.Id())], TimeProvider.System);
        var caller = new Crm.Platform.Web.Caller(tenant.Id, tenant.AdminUserId, Crm.Domain.Access.AccessProfile.SuperAdmin, null, null);
        var conflict = await Assert.ThrowsAsync<Crm.Domain.Common.ConflictException>(() => service.DeleteAsync(caller, used.Id(), null, CancellationToken.None));
        Assert.Equal("pipeline.in_use", conflict.Code);
        await tenant.Admin.GetJsonAsync($"/api/v1/pipelines/{used.Id()}");
    }

    private sealed class UsedPipelines(string id) : IPipelineUsage
    {
        public Task<bool> IsInUseAsync(string tenantId, string pipelineId, CancellationToken cancellationToken) => Task.FromResult(pipelineId == id);

        public Task<bool> IsStageInUseAsync(string tenantId, string pipelineId, string stageKey, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    [Fact]
    public async Task AnyoneReadsButOnlySettingsManageChanges()
    {
        var tenant = await app.NewTenantAsync();
        var role = await app.CreateRoleAsync(tenant, DataScope.Self, ["memos.view"]);
        var (_, rep) = await tenant.NewMemberAsync(null, null, role);
        var standard = await rep.GetJsonAsync("/api/v1/pipelines/default");
        Assert.Single((await rep.GetJsonAsync("/api/v1/pipelines")).Items());
        await (await rep.PostAsJsonAsync("/api/v1/pipelines", new { name = "Mine", stages = Stages() })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.PatchJsonAsync($"/api/v1/pipelines/{standard.Id()}", new { name = "x" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await rep.DeleteAsync($"/api/v1/pipelines/{standard.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
