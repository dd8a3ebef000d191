using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests;

public sealed class SmokeTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task AdminCreatesDepartmentAndReadsItBack()
    {
        var tenant = await app.NewTenantAsync();
        var created = await (await tenant.Admin.PostAsJsonAsync("/api/v1/departments", new { name = "Sales" })).ExpectAsync(HttpStatusCode.Created);
        var read = await (await tenant.Admin.GetAsync($"/api/v1/departments/{created.Id()}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Sales", read.GetProperty("name").GetString());
        Assert.Equal(tenant.OfficeId, read.GetProperty("parentId").GetString());
    }
}
