using Azure.Data.Tables;
using Crm.Storage.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.UnitTests.Triggers;

public sealed class TimerSchedulerTests : IAsyncLifetime
{
    private const string Nightly = "0 0 3 * * ?";

    private readonly StorageScope _storage = new();
    private readonly JobLog _log = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _storage.DisposeAsync().AsTask();

    [Fact]
    public async Task MissedOccurrenceRunsOnceAtStartAsCatchUp()
    {
        var now = DateTimeOffset.UtcNow;
        var lastRun = new DateTimeOffset(now.Date.AddDays(-5).AddHours(3), TimeSpan.Zero);
        await _storage.JobRuns.CreateIfNotExistsAsync();
        await _storage.JobRuns.AddEntityAsync(new TableEntity("job", "nightly")
        {
            ["LastScheduledFor"] = lastRun,
            ["LastCompletedAt"] = lastRun.AddMinutes(2),
            ["LastStatus"] = "Succeeded",
        });
        var latestMissed = new DateTimeOffset(now.Date.AddHours(3), TimeSpan.Zero) is var today && today <= now ? today : today.AddDays(-1);

        using var host = StartScheduler(Nightly);

        await Eventually.HoldsAsync(async () => (await Row()).GetString("LastStatus") == "Succeeded"
            && (await Row()).GetDateTimeOffset("LastScheduledFor") == latestMissed, "the catch-up run was recorded");
        var run = Assert.Single(_log.Runs);
        Assert.True(run.IsCatchUp);
        Assert.Equal(latestMissed, run.ScheduledFor);
        Assert.Equal(lastRun.AddMinutes(2), run.LastRunAt);
        Assert.True((await Row()).GetDateTimeOffset("LastCompletedAt") >= now);
    }

    [Fact]
    public async Task FirstStartRecordsTheJobWithoutCatchingUp()
    {
        using var host = StartScheduler(Nightly);

        await Eventually.HoldsAsync(async () => (await _storage.JobRuns.GetEntityIfExistsAsync<TableEntity>("job", "nightly")).HasValue,
            "the job is tracked");
        Assert.Empty(_log.Runs);
        Assert.NotNull((await Row()).GetDateTimeOffset("TrackedSince"));
    }

    [Fact]
    public async Task TwoSchedulersRunEachOccurrenceOnce()
    {
        const string everySecond = "* * * * * ?";
        using var first = StartScheduler(everySecond);
        using var second = StartScheduler(everySecond);

        await Eventually.HoldsAsync(() => _log.Runs.Count >= 4, "a few occurrences ran");
        await first.StopAsync();
        await second.StopAsync();

        var occurrences = _log.Runs.Select(r => r.ScheduledFor).ToList();
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
    }

    private IHost StartScheduler(string cron)
    {
        var host = _storage.BuildHost(s => s.AddSingleton(_log).AddTimerJob<RecordingJob>("nightly"),
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:jobs:nightly:schedule"] = cron });
        host.Start();
        return host;
    }

    private async Task<TableEntity> Row() => (await _storage.JobRuns.GetEntityAsync<TableEntity>("job", "nightly")).Value;
}
