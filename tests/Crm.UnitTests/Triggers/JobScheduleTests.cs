using Crm.Storage.Triggers;
using Microsoft.Extensions.Configuration;

namespace Crm.UnitTests.Triggers;

public sealed class JobScheduleTests
{
    private const string Nightly = "0 15 3 * * ?";

    [Fact]
    public void NoCatchUpWhenTheNextOccurrenceIsStillAhead()
    {
        var schedule = JobSchedule.Parse(Nightly, "test");
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Null(JobSchedule.LatestMissed(schedule, new DateTimeOffset(2025, 3, 1, 3, 15, 0, TimeSpan.Zero), now));
    }

    [Fact]
    public void CatchUpRunsTheMostRecentMissedOccurrenceOnly()
    {
        var schedule = JobSchedule.Parse(Nightly, "test");
        var now = new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero);
        var missed = JobSchedule.LatestMissed(schedule, new DateTimeOffset(2025, 3, 1, 3, 15, 0, TimeSpan.Zero), now);
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 3, 15, 0, TimeSpan.Zero), missed);
    }

    [Fact]
    public void ScheduleComesFromHostJsonOnly()
    {
        var job = new TimerJobRegistration("outbox-sweep", typeof(object));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:jobs:outbox-sweep:schedule"] = "0 0/5 * * * ?",
        }).Build();
        var after = new DateTimeOffset(2025, 3, 1, 12, 1, 0, TimeSpan.Zero);

        Assert.Equal(after.AddMinutes(4), job.Schedule(configuration).GetNextValidTimeAfter(after));
        Assert.Contains("has no schedule", Assert.Throws<InvalidOperationException>(() => job.Schedule(null)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidScheduleNamesWhereItCameFrom()
    {
        var job = new TimerJobRegistration("outbox-sweep", typeof(object));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:jobs:outbox-sweep:schedule"] = "every five minutes",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => job.Schedule(configuration));
        Assert.Contains("AzureFunctionsJobHost:jobs:outbox-sweep:schedule", error.Message);
    }
}
