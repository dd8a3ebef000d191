using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Crm.Storage.Triggers;

/// <summary>
/// Runs each registered job at its cron occurrences (UTC). At start a job whose last recorded run
/// is followed by an occurrence already past runs once at once (catch-up), like a Functions timer
/// with its schedule monitor. Replicas share the jobruns table, so each occurrence runs once.
/// </summary>
internal sealed class TimerScheduler(
    IEnumerable<TimerJobRegistration> jobs,
    TimerJobExecutor executor,
    JobRunStore store,
    IOptions<TriggerOptions> triggerOptions,
    TimeProvider time,
    ILogger<TimerScheduler> logger,
    IConfiguration? configuration = null) : BackgroundService
{
    private static readonly TimeSpan StorageRetry = TimeSpan.FromSeconds(30);

    // Task.Delay refuses waits past ~49 days; a yearly job simply waits several times.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    /// <summary>A missing or bad schedule stops start-up with a clear message, not a job at 3 a.m.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        TimerJobRegistration.Validate([.. jobs], configuration);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!triggerOptions.Value.Timers.Enabled)
        {
            return;
        }
        var schedules = jobs.Select(job => (job, schedule: job.Schedule(configuration))).ToList();
        await Task.WhenAll(schedules.Select(s => RunScheduleAsync(s.job, s.schedule, stoppingToken)));
    }

    private async Task RunScheduleAsync(TimerJobRegistration job, CronExpression schedule, CancellationToken stoppingToken)
    {
        try
        {
            var started = time.GetUtcNow();
            var record = await ReadRecordAsync(job, stoppingToken);
            var lastRecorded = record.LastScheduledFor ?? record.TrackedSince ?? started;
            if (JobSchedule.LatestMissed(schedule, lastRecorded, started) is { } missed)
            {
                await RunGuardedAsync(job, missed, isCatchUp: true, stoppingToken);
            }

            var after = started;
            while (schedule.GetNextValidTimeAfter(after) is { } next)
            {
                await WaitUntilAsync(next, stoppingToken);
                await RunGuardedAsync(job, next, isCatchUp: false, stoppingToken);
                // Occurrences that passed while the job ran are skipped, not queued up.
                var finished = time.GetUtcNow();
                after = finished > next ? finished : next;
            }
            logger.LogWarning("Job {Job} has no further occurrences", job.Name);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<JobRunEntity> ReadRecordAsync(TimerJobRegistration job, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return await store.GetOrStartTrackingAsync(job.Name, time.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not read the last run of job {Job}; retrying in {Delay}", job.Name, StorageRetry);
                await Task.Delay(StorageRetry, time, stoppingToken);
            }
        }
    }

    private async Task RunGuardedAsync(TimerJobRegistration job, DateTimeOffset occurrence, bool isCatchUp, CancellationToken stoppingToken)
    {
        try
        {
            await executor.RunAsync(job, occurrence, isCatchUp, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Storage trouble while claiming or recording; the next occurrence tries again.
            logger.LogError(ex, "Could not run job {Job} for {ScheduledFor:o}", job.Name, occurrence);
        }
    }

    private async Task WaitUntilAsync(DateTimeOffset due, CancellationToken stoppingToken)
    {
        for (var wait = due - time.GetUtcNow(); wait > TimeSpan.Zero; wait = due - time.GetUtcNow())
        {
            await Task.Delay(wait < LongestWait ? wait : LongestWait, time, stoppingToken);
        }
    }
}
