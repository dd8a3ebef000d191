using Crm.ApiTests.Infrastructure;
using Crm.Platform.Transfers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ApiTests.Transfers;

/// <summary>Stops the first delivery of an import at one row, as a crash would; the queue runtime delivers it again.</summary>
public sealed class CrashingImportObserver : IImportObserver
{
    public int CrashAtRow { get; set; } = -1;
    public int Crashes { get; private set; }

    public ValueTask RowDoneAsync(string jobId, int row, CancellationToken cancellationToken)
    {
        if (row == CrashAtRow)
        {
            CrashAtRow = -1;
            Crashes++;
            throw new IOException($"Simulated crash of import {jobId} at row {row}.");
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>An app whose imports report each row to <typeparamref name="TObserver"/>, in chunks of 100 rows.</summary>
public abstract class ObservedImportApp<TObserver> : CrmApp where TObserver : class, new()
{
    public TObserver Observer { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Transfers:ImportChunkSize"] = "100" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The observer interface is internal, so it cannot constrain this public fixture's type parameter.
        builder.ConfigureServices(services => services.AddSingleton(typeof(IImportObserver), Observer));
    }
}

/// <summary>A short retry delay besides, so a crash and its redelivery happen within a test.</summary>
public sealed class ResumingImportApp : ObservedImportApp<CrashingImportObserver>
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
    };
}

public sealed class ImportResumeTests(ResumingImportApp app) : IClassFixture<ResumingImportApp>
{
    [Fact]
    public async Task AnImportThatCrashesMidChunkResumesWithoutDuplicates()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        const int rows = 600;
        var csv = TransferSetup.Csv("name,phone\r\n" + string.Concat(Enumerable.Range(1, rows).Select(i => i == 7 ? $",\r\n" : $"Resume {s} {i:D4},{i}\r\n")));
        // Row 350 is mid-chunk (301-400): rows 301-349 and some after it are written when the crash comes.
        app.Observer.CrashAtRow = 350;
        var job = await tenant.Admin.ImportAndWaitAsync("customers", csv);
        Assert.Equal(1, app.Observer.Crashes);
        TransferSetup.AssertCounts(job, created: rows - 1, failed: 1);
        var customers = await tenant.Admin.ListAllAsync($"/api/v1/customers?q=Resume&limit=200");
        Assert.Equal(rows - 1, customers.Count);
        Assert.Equal(rows - 1, customers.Select(c => c.Str("name")).Distinct().Count());
        var errors = (await tenant.Admin.GetStringAsync($"/api/v1/imports/{job.Id()}/errors")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("7,", errors[1], StringComparison.Ordinal);
    }
}
