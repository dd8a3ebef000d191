using System.Net;
using Crm.ApiTests.Infrastructure;
using Crm.ApiTests.Sales;
using Crm.Domain.Access;
using Crm.Platform.Transfers;

namespace Crm.ApiTests.Transfers;

/// <summary>Holds an import at one row until the test lets it go, so that it can be cancelled while it runs.</summary>
public sealed class PausingImportObserver : IImportObserver
{
    public int PauseAtRow { get; set; } = -1;
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask RowDoneAsync(string jobId, int row, CancellationToken cancellationToken)
    {
        if (row == PauseAtRow)
        {
            Reached.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
    }
}

public sealed class PausingImportApp : ObservedImportApp<PausingImportObserver>;

/// <summary>POST /api/v1/imports/{id}/cancel while a job runs: it stops at the end of its chunk and keeps what it wrote.</summary>
public sealed class RunningImportCancelTests(PausingImportApp app) : IClassFixture<PausingImportApp>
{
    [Fact]
    public async Task ACancelledImportStopsAfterItsChunkAndCountsWhatItWrote()
    {
        var tenant = await app.NewTenantAsync();
        var s = Api.Stamp();
        app.Observer.PauseAtRow = 150;
        var csv = TransferSetup.Csv("name\r\n" + string.Concat(Enumerable.Range(1, 300).Select(i => $"Cancel {s} {i:D3}\r\n")));
        var started = await (await tenant.Admin.ImportAsync("customers", csv)).ExpectAsync(HttpStatusCode.Accepted);
        await app.Observer.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var cancelled = await (await tenant.Admin.PostAsync($"/api/v1/imports/{started.Id()}/cancel", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("status"));
        app.Observer.Release.SetResult();

        // The chunk in progress (rows 101-200) finishes; its counts go onto the cancelled job, and no later row is written.
        var job = await Http.EventuallyAsync(() => tenant.Admin.GetJsonAsync($"/api/v1/imports/{started.Id()}"),
            j => j.GetProperty("processed").GetInt32() == 200, TimeSpan.FromSeconds(30));
        Assert.Equal("cancelled", job.Str("status"));
        Assert.Equal((300, 200), (job.GetProperty("total").GetInt32(), job.GetProperty("created").GetInt32()));
        Assert.Equal(200, (await tenant.Admin.ListAllAsync($"/api/v1/customers?q=Cancel {s}&limit=200")).Count);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await tenant.Admin.ListAllAsync($"/api/v1/customers?q=Cancel {s}&limit=200")).Count);

        // Cancelling again answers the cancelled job; a finished job cannot be cancelled.
        Assert.Equal("cancelled", (await (await tenant.Admin.PostAsync($"/api/v1/imports/{started.Id()}/cancel", null)).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        var done = await tenant.Admin.ImportAndWaitAsync("customers", TransferSetup.Csv($"name\r\nDone {s}\r\n"));
        await (await tenant.Admin.PostAsync($"/api/v1/imports/{done.Id()}/cancel", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "transfer.finished");
        Assert.Equal("succeeded", (await tenant.Admin.GetJsonAsync($"/api/v1/imports/{done.Id()}")).Str("status"));
    }
}

/// <summary>Cancelling jobs that no worker has picked up yet (the queue listeners are off in this app).</summary>
public sealed class QueuedTransferCancelTests(IdleWorkerApp app) : IClassFixture<IdleWorkerApp>
{
    [Fact]
    public async Task AQueuedImportOrExportCanBeCancelledByItsCreatorOnly()
    {
        var tenant = await app.NewTenantAsync();
        var import = await (await tenant.Admin.ImportAsync("customers", TransferSetup.Csv("name\r\nQueued\r\n"))).ExpectAsync(HttpStatusCode.Accepted);
        var export = await (await tenant.Admin.PostAsync("/api/v1/exports", TransferSetup.JsonContent(new { entityType = "customers" }))).ExpectAsync(HttpStatusCode.Accepted);
        var (_, colleague) = await app.NewSellerAsync(tenant, DataScope.All);
        foreach (var url in new[] { $"/api/v1/imports/{import.Id()}", $"/api/v1/exports/{export.Id()}" })
        {
            // Another user's job does not exist for them, and stays queued.
            Assert.Equal(HttpStatusCode.NotFound, (await colleague.PostAsync($"{url}/cancel", null)).StatusCode);
            Assert.Equal("queued", (await tenant.Admin.GetJsonAsync(url)).Str("status"));

            var cancelled = await (await tenant.Admin.PostAsync($"{url}/cancel", null)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("cancelled", cancelled.Str("status"));
            Assert.True(cancelled.TryGetProperty("finishedAt", out var finishedAt) && finishedAt.ValueKind == System.Text.Json.JsonValueKind.String);
            Assert.Equal("cancelled", (await tenant.Admin.GetJsonAsync(url)).Str("status"));
        }
        await (await tenant.Admin.GetAsync($"/api/v1/exports/{export.Id()}/file")).ExpectProblemAsync(HttpStatusCode.Conflict, "export.cancelled");
        await (await tenant.Admin.PostAsync("/api/v1/imports/nope/cancel", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "import.not_found");
    }
}
