using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Transfers;
using Crm.DeployTests.Infrastructure;

namespace Crm.ApiTests.Docs;

/// <summary>The sample file the import example in docs/transfers.md uploads imports cleanly, as the page says.</summary>
public sealed class SampleCsvImportTests(CrmApp app) : IClassFixture<CrmApp>
{
    [Fact]
    public async Task TheDocumentedSampleImportsEveryRow()
    {
        var file = await File.ReadAllBytesAsync(Repo.PathOf("docs", "samples", "customers.csv"));
        var tenant = await app.NewTenantAsync();

        var job = await tenant.Admin.ImportAndWaitAsync("customers", file, "customers.csv", mode: "skipDuplicates");

        TransferSetup.AssertCounts(job, created: 5);
        var customers = await tenant.Admin.ListAllAsync("/api/v1/customers");
        var star = Assert.Single(customers, c => c.Str("name") == "上海星辰科技有限公司");
        Assert.Equal("a", star.Str("level"));
        Assert.Equal(["vip", "华东"], star.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains(customers, c => c.Str("name") == "Blue Harbour Logistics, Inc." && c.Str("description") == "Quoted twice, decision in Q1");
    }
}
