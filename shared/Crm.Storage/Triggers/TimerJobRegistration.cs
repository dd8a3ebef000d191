using Microsoft.Extensions.Configuration;
using Quartz;

namespace Crm.Storage.Triggers;

/// <summary>A job registered with <c>AddTimerJob</c>; its schedule can be overridden from host.json.</summary>
internal sealed record TimerJobRegistration(string Name, Type JobType, string DefaultSchedule)
{
    public string ScheduleKey => $"AzureFunctionsJobHost:jobs:{Name}:schedule";

    public CronExpression Schedule(IConfiguration? configuration)
    {
        var configured = configuration?[ScheduleKey];
        return string.IsNullOrWhiteSpace(configured)
            ? JobSchedule.Parse(DefaultSchedule, $"default schedule of job {Name}")
            : JobSchedule.Parse(configured, ScheduleKey);
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
