using Microsoft.Extensions.Configuration;
using Quartz;

namespace Crm.Storage.Triggers;

/// <summary>
/// A job registered with <c>AddTimerJob</c>. The code names the job; its schedule has one source, host.json
/// (<c>"jobs": {"name": {"schedule": "..."}}</c>, read as <c>AzureFunctionsJobHost:jobs:{name}:schedule</c>, so a
/// setting of that name overrides it as it would in Functions).
/// </summary>
internal sealed record TimerJobRegistration(string Name, Type JobType)
{
    public const string JobsSection = "AzureFunctionsJobHost:jobs";

    public string ScheduleKey => $"{JobsSection}:{Name}:schedule";

    public CronExpression Schedule(IConfiguration? configuration)
    {
        var configured = configuration?[ScheduleKey];
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"Timer job '{Name}' has no schedule: add \"{Name}\": {{ \"schedule\": \"<Quartz cron, UTC>\" }} to \"jobs\" in host.json (or set {ScheduleKey}).");
        }
        return JobSchedule.Parse(configured, ScheduleKey);
    }

    /// <summary>
    /// Checked at start, timers on or off: every job has a schedule that parses, and host.json schedules no job
    /// the service does not have (a renamed job would otherwise silently stop running).
    /// </summary>
    public static void Validate(IReadOnlyCollection<TimerJobRegistration> jobs, IConfiguration? configuration)
    {
        foreach (var job in jobs)
        {
            _ = job.Schedule(configuration);
        }
        var unknown = (configuration?.GetSection(JobsSection).GetChildren() ?? [])
            .Select(c => c.Key)
            .Where(name => !jobs.Any(j => string.Equals(j.Name, name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"host.json schedules timer jobs the service does not have: {string.Join(", ", unknown)}. Its jobs: {string.Join(", ", jobs.Select(j => j.Name))}.");
        }
    }
}

internal static class JobSchedule
{
    /// <summary>Quartz cron (seconds first, <c>?</c> for the unused day field), always read in UTC.</summary>
    public static CronExpression Parse(string expression, string source)
    {
        try
        {
            return new CronExpression(expression, TimeZoneInfo.Utc);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"The {source} is not a Quartz cron expression: '{expression}'", ex);
        }
    }

    /// <summary>
    /// The occurrence to catch up on, when one fell between the last recorded run and now: the most
    /// recent one, run once however many were missed.
    /// </summary>
    public static DateTimeOffset? LatestMissed(CronExpression schedule, DateTimeOffset lastRecorded, DateTimeOffset now)
    {
        var firstMissed = schedule.GetNextValidTimeAfter(lastRecorded);
        if (firstMissed is null || firstMissed > now)
        {
            return null;
        }
        return schedule.GetPreviousValidTimeBefore(now.AddTicks(1)) ?? firstMissed;
    }
}
