using System.Net;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Conventions;

/// <summary>q: prefix search by name, e-mail, login and phone digits, Chinese included.</summary>
public sealed partial class ListTests
{
    [Fact]
    public async Task SearchesByNamePrefix()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("Sales North");
        var salesSouth = await tenant.CreateDepartmentAsync("SALES South");
        await tenant.CreateDepartmentAsync("Presales");

        var found = (await tenant.Admin.ListAllAsync("/api/v1/departments?q=sales")).Select(d => d.Id()).Order().ToList();
        Assert.Equal(new[] { sales.Id(), salesSouth.Id() }.Order(), found);
        Assert.Equal([sales.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?q=Sales%20No")).Select(d => d.Id()));
        Assert.Equal([salesSouth.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/departments?q={Uri.EscapeDataString("ｓａｌｅｓｓ")}")).Select(d => d.Id()));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/departments?q=north"));
    }

    [Fact]
    public async Task SearchesChineseNamesByPrefix()
    {
        var tenant = await app.NewTenantAsync();
        var sales = await tenant.CreateDepartmentAsync("销售部");
        var salesTwo = await tenant.CreateDepartmentAsync("销售二部");
        await tenant.CreateDepartmentAsync("市场部");
        var user = await tenant.CreateUserAsync(name: "张三");

        var found = (await tenant.Admin.ListAllAsync($"/api/v1/departments?q={Uri.EscapeDataString("销售")}")).Select(d => d.Id()).Order().ToList();
        Assert.Equal(new[] { sales.Id(), salesTwo.Id() }.Order(), found);
        Assert.Empty(await tenant.Admin.ListAllAsync($"/api/v1/departments?q={Uri.EscapeDataString("售")}"));
        Assert.Equal([user.Id()], (await tenant.Admin.ListAllAsync($"/api/v1/users?q={Uri.EscapeDataString("张")}")).Select(u => u.Id()));
    }

    [Fact]
    public async Task SearchesUsersByEmailLoginAndPhoneDigits()
    {
        var tenant = await app.NewTenantAsync();
        var alice = await tenant.CreateUserAsync("alice.w", "Wang Alice", email: "alice.wang@example.test", phone: "+86 138-0013-8000");
        var bob = await tenant.CreateUserAsync("bob.l", "Li Bob", email: "bob@example.test", phone: "139 1234 5678");

        Assert.Equal([alice.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=alice.wang%40exa")).Select(u => u.Id()));
        Assert.Equal([bob.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=bob.l")).Select(u => u.Id()));
        Assert.Equal([alice.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=8613800")).Select(u => u.Id()));
        Assert.Equal([bob.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=1391234")).Select(u => u.Id()));
        Assert.Equal([bob.Id()], (await tenant.Admin.ListAllAsync("/api/v1/users?q=li")).Select(u => u.Id()));
        // A user matched by several terms (name and login both start with "alice"-ish) comes once.
        Assert.Single(await tenant.Admin.ListAllAsync("/api/v1/users?q=alice"));
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/users?q=5678"));
    }

    [Theory]
    [InlineData("%20%20")]
    public async Task RefusesBlankQ(string q)
    {
        var tenant = await app.NewTenantAsync();
        var problem = await (await tenant.Admin.GetAsync($"/api/v1/departments?q={q}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["q"], problem.ErrorFields());
    }

    [Fact]
    public async Task SearchOmitsDeletedAndRenamedRecords()
    {
        var tenant = await app.NewTenantAsync();
        var gone = await tenant.CreateDepartmentAsync("Ghost Team");
        var renamed = await tenant.CreateDepartmentAsync("Ghost Busters");
        await (await tenant.Admin.DeleteAsync($"/api/v1/departments/{gone.Id()}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/departments/{renamed.Id()}", new { name = "Busters" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await tenant.Admin.ListAllAsync("/api/v1/departments?q=ghost"));
        Assert.Equal([renamed.Id()], (await tenant.Admin.ListAllAsync("/api/v1/departments?q=bus")).Select(d => d.Id()));
    }

    [Fact]
    public async Task SearchPagesReturnARecordMatchedByManyTermsOnce()
    {
        var tenant = await app.NewTenantAsync();
        var alice = await tenant.CreateUserAsync("alice.w", "Alice Wang", email: "alice.wang@example.test");
        var alina = await tenant.CreateUserAsync("alina.k", "Alina King", email: "alina@example.test");
        var alfred = await tenant.CreateUserAsync("alfred", "Alfred Li");

        var paged = await tenant.Admin.ListAllAsync("/api/v1/users?q=al&limit=1");
        Assert.Equal(paged.Count, paged.Select(u => u.Id()).Distinct().Count());
        Assert.Equal(new[] { alice.Id(), alina.Id(), alfred.Id() }.Order(StringComparer.Ordinal), paged.Select(u => u.Id()).Order(StringComparer.Ordinal));
        var onePage = await tenant.Admin.GetJsonAsync("/api/v1/users?q=al&limit=50");
        Assert.Equal(3, onePage.Items().Count);
        Assert.Null(onePage.NextCursor());
    }
}
