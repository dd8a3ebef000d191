using Crm.Storage.Triggers;

namespace Crm.UnitTests.Triggers;

public sealed class MessageScheduleTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan SixDays = TimeSpan.FromDays(6);

    [Fact]
    public void DelayWithinTheLimitIsSentAsIsRoundedUpToWholeSeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), MessageSchedule.SendDelay(Now.AddSeconds(2.2), Now, SixDays));
        Assert.Equal(TimeSpan.FromDays(2), MessageSchedule.SendDelay(Now.AddDays(2), Now, SixDays));
    }

    [Fact]
    public void DelayBeyondTheLimitIsCappedSoTheMessageHops()
    {
        Assert.Equal(SixDays, MessageSchedule.SendDelay(Now.AddDays(30), Now, SixDays));
    }

    [Fact]
    public void MessageDueNowOrEarlierIsSentWithoutDelay()
    {
        Assert.Equal(TimeSpan.Zero, MessageSchedule.SendDelay(Now, Now, SixDays));
        Assert.Equal(TimeSpan.Zero, MessageSchedule.SendDelay(Now.AddHours(-1), Now, SixDays));
    }

    [Fact]
    public void ArrivedMessageHopsOnlyWhenStillNotDue()
    {
        Assert.True(MessageSchedule.ShouldHop(Now.AddDays(24), Now));
        Assert.True(MessageSchedule.ShouldHop(Now.AddSeconds(2), Now));
        Assert.False(MessageSchedule.ShouldHop(Now.AddMilliseconds(200), Now));
        Assert.False(MessageSchedule.ShouldHop(Now.AddMinutes(-5), Now));
    }

    [Fact]
    public void ThirtyDayDelayArrivesInSixDayHops()
    {
        var sentAt = Now;
        var dueAt = sentAt.AddDays(30);
        var arrivals = new List<DateTimeOffset>();
        for (var at = sentAt + MessageSchedule.SendDelay(dueAt, sentAt, SixDays); ; at += MessageSchedule.SendDelay(dueAt, at, SixDays))
        {
            arrivals.Add(at);
            if (!MessageSchedule.ShouldHop(dueAt, at))
            {
                break;
            }
        }
        Assert.Equal(5, arrivals.Count);
        Assert.Equal(dueAt, arrivals[^1]);
    }
}
