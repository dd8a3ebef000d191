using Azure.Data.Tables;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.UnitTests.Triggers;

public sealed class TimerJobRunnerTests : IAsyncLifetime
{
    private readonly StorageScope _storage = new();
    private readonly JobLog _log = new();
    private TimerJobRunner _runner = null!;

    public Task InitializeAsync()
    {
        // Not started: run-job runs without the scheduler.
        var host = _storage.BuildHost(s => s.AddSingleton(_log)
            .AddTimerJob<RecordingJob>("outbox-sweep")
            .AddTimerJob<FailingJob>("mail-digest"));
        _runner = host.Services.GetRequiredService<TimerJobRunner>();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task SuccessfulRunReturnsZeroAndIsRecorded()
    {
        Assert.Equal(0, await _runner.RunOnceAsync("outbox-sweep", TextWriter.Null, CancellationToken.None));

        var run = Assert.Single(_log.Runs);
        Assert.False(run.IsCatchUp);
        Assert.Null(run.LastRunAt);
        var row = await Row("outbox-sweep");
        Assert.Equal("Succeeded", row.GetString("LastStatus"));
        Assert.Equal(run.ScheduledFor, row.GetDateTimeOffset("LastScheduledFor"));
        Assert.NotNull(row.GetDateTimeOffset("LastCompletedAt"));
    }

    [Fact]
    public async Task FailedRunReturnsOneAndRecordsTheError()
    {
        Assert.Equal(1, await _runner.RunOnceAsync("mail-digest", TextWriter.Null, CancellationToken.None));

        var row = await Row("mail-digest");
        Assert.Equal("Failed", row.GetString("LastStatus"));
        Assert.Equal("the mail server is down", row.GetString("LastError"));
        Assert.Null(row.GetDateTimeOffset("LastCompletedAt"));
    }

    [Fact]
    public async Task UnknownJobReturnsTwoAndListsTheKnownOnes()
    {
        using var errors = new StringWriter();

        Assert.Equal(2, await _runner.RunOnceAsync("nightly-typo", errors, CancellationToken.None));

        Assert.Contains("nightly-typo", errors.ToString());
        Assert.Contains("mail-digest, outbox-sweep", errors.ToString());
        Assert.Equal(["mail-digest", "outbox-sweep"], _runner.JobNames);
        Assert.Empty(_log.Runs);
    }

    private async Task<TableEntity> Row(string job) => (await _storage.JobRuns.GetEntityAsync<TableEntity>("job", job)).Value;
}
