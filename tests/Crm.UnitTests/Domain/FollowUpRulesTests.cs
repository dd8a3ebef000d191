using Crm.Domain.Common;
using Crm.Domain.Sales;

namespace Crm.UnitTests.Domain;

public sealed class FollowUpRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void LastFollowUpAtOnlyMovesForward()
    {
        Assert.Equal(Now, FollowUpRules.Advanced(null, Now));
        Assert.Equal(Now, FollowUpRules.Advanced(Now, Now.AddDays(-1)));
        Assert.Equal(Now.AddHours(1), FollowUpRules.Advanced(Now, Now.AddHours(1)));
    }

    [Fact]
    public void NewestIsTheLatestOccurredAtOrNullWhenNoneAreLeft()
    {
        Assert.Null(FollowUpRules.Newest([]));
        Assert.Equal(Now, FollowUpRules.Newest([new FollowUp { OccurredAt = Now.AddDays(-2) }, new FollowUp { OccurredAt = Now }, new FollowUp { OccurredAt = Now.AddDays(-1) }]));
    }

    [Fact]
    public void AFollowUpMayBeAFewMinutesAheadButNotInTheFuture()
    {
        FollowUpRules.Check("Called", Now.Add(FollowUpRules.ClockSkew), null, Now);
        var e = Assert.Throws<ValidationException>(() => FollowUpRules.Check("Called", Now.Add(FollowUpRules.ClockSkew).AddSeconds(1), null, Now));
        Assert.Equal(FollowUpRules.OccurredInFuture, e.Code);
    }

    [Fact]
    public void TheNextContactIsAfterTheFollowUpAndTheContentIsNotBlank()
    {
        FollowUpRules.Check("Called", Now, Now.AddTicks(1), Now);
        Assert.Equal(FollowUpRules.NextContactNotAfter, Assert.Throws<ValidationException>(() => FollowUpRules.Check("Called", Now, Now, Now)).Code);
        Assert.Equal(FollowUpRules.ContentBlank, Assert.Throws<ValidationException>(() => FollowUpRules.Check(" ", Now, null, Now)).Code);
    }

    [Fact]
    public void AReminderIsPendingUntilItsTimeWasDelivered()
    {
        Assert.False(new FollowUp().ReminderPending);
        Assert.True(new FollowUp { NextContactAt = Now }.ReminderPending);
        Assert.False(new FollowUp { NextContactAt = Now, RemindedFor = Now }.ReminderPending);
        Assert.True(new FollowUp { NextContactAt = Now.AddDays(1), RemindedFor = Now }.ReminderPending);
    }
}
