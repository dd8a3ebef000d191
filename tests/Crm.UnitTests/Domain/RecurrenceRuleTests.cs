using Crm.Domain.Collaboration;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class RecurrenceRuleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static List<DateTime> Starts(string rule, DateTime first, int take = 50, TimeZoneInfo? zone = null) =>
        [.. RecurrenceRule.Parse(rule).Starts(first, zone ?? Shanghai).Take(take)];

    [Theory]
    [InlineData("FREQ=DAILY", "FREQ=DAILY")]
    [InlineData("RRULE:freq=weekly;byday=fr,mo;interval=2;count=4", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=MO,FR")]
    [InlineData("FREQ=MONTHLY;UNTIL=20270131T090000Z", "FREQ=MONTHLY;UNTIL=20270131T090000Z")]
    [InlineData("FREQ=DAILY;INTERVAL=1;UNTIL=20270131", "FREQ=DAILY;UNTIL=20270131")]
    public void ARuleReadsAndWritesBackCanonically(string text, string canonical) =>
        Assert.Equal(canonical, RecurrenceRule.Parse(text).ToString());

    [Theory]
    [InlineData("FREQ=YEARLY", RecurrenceRule.Unsupported, "FREQ=YEARLY")]
    [InlineData("FREQ=HOURLY", RecurrenceRule.Unsupported, "FREQ=HOURLY")]
    [InlineData("FREQ=MONTHLY;BYMONTHDAY=-1", RecurrenceRule.Unsupported, "BYMONTHDAY")]
    [InlineData("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", RecurrenceRule.Unsupported, "BYSETPOS")]
    [InlineData("FREQ=MONTHLY;BYDAY=MO", RecurrenceRule.Unsupported, "BYDAY")]
    [InlineData("FREQ=WEEKLY;BYDAY=1MO", RecurrenceRule.Unsupported, "1MO")]
    [InlineData("FREQ=WEEKLY;WKST=SU", RecurrenceRule.Unsupported, "WKST")]
    [InlineData("INTERVAL=2", RecurrenceRule.Invalid, "FREQ")]
    [InlineData("FREQ=DAILY;COUNT=3;UNTIL=20270101", RecurrenceRule.Invalid, "COUNT and UNTIL")]
    [InlineData("FREQ=DAILY;INTERVAL=0", RecurrenceRule.Invalid, "INTERVAL")]
    [InlineData("FREQ=DAILY;COUNT=1001", RecurrenceRule.Invalid, "COUNT")]
    [InlineData("FREQ=DAILY;UNTIL=2027-01-01", RecurrenceRule.Invalid, "UNTIL")]
    [InlineData("FREQ=WEEKLY;BYDAY=XX", RecurrenceRule.Invalid, "BYDAY")]
    [InlineData("FREQ=DAILY;COLOR=red", RecurrenceRule.Invalid, "COLOR")]
    [InlineData("FREQ=DAILY;FREQ=WEEKLY", RecurrenceRule.Invalid, "FREQ")]
    [InlineData("FREQ", RecurrenceRule.Invalid, "FREQ")]
    public void WhatTheCalendarDoesNotRepeatByIsRefusedByName(string text, string code, string named)
    {
        var refusal = Assert.Throws<ValidationException>(() => RecurrenceRule.Parse(text, "repeat"));
        Assert.Equal(code, refusal.Code);
        Assert.Contains("repeat", refusal.Errors.Keys);
        Assert.Contains(named, refusal.Errors["repeat"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void DailyWithAnIntervalAndACount() =>
        Assert.Equal([new(2027, 1, 30, 9, 0, 0), new(2027, 2, 1, 9, 0, 0), new(2027, 2, 3, 9, 0, 0)],
            Starts("FREQ=DAILY;INTERVAL=2;COUNT=3", new DateTime(2027, 1, 30, 9, 0, 0)));

    [Fact]
    public void WeeklyOnSeveralDaysEveryOtherWeek() =>
        // Wednesday 6 January 2027 first; Mondays and Wednesdays of every other week.
        Assert.Equal([new(2027, 1, 6, 14, 0, 0), new(2027, 1, 18, 14, 0, 0), new(2027, 1, 20, 14, 0, 0), new(2027, 2, 1, 14, 0, 0)],
            Starts("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=4", new DateTime(2027, 1, 6, 14, 0, 0)));

    [Fact]
    public void WeeklyWithoutByDayKeepsTheFirstWeekday() =>
        Assert.All(Starts("FREQ=WEEKLY;COUNT=5", new DateTime(2027, 3, 5, 8, 0, 0)), d => Assert.Equal(DayOfWeek.Friday, d.DayOfWeek));

    [Fact]
    public void AMonthlyRuleOnThe31stSkipsShortMonths() =>
        Assert.Equal([new(2027, 1, 31, 10, 0, 0), new(2027, 3, 31, 10, 0, 0), new(2027, 5, 31, 10, 0, 0), new(2027, 7, 31, 10, 0, 0)],
            Starts("FREQ=MONTHLY;COUNT=4", new DateTime(2027, 1, 31, 10, 0, 0)));

    [Fact]
    public void TheLeapDayRepeatsInLeapYearsOnly()
    {
        var starts = Starts("FREQ=MONTHLY;INTERVAL=12;COUNT=2", new DateTime(2028, 2, 29, 10, 0, 0));
        Assert.Equal([new(2028, 2, 29, 10, 0, 0), new(2032, 2, 29, 10, 0, 0)], starts);
    }

    [Fact]
    public void UntilIsInclusiveInEachOfItsForms()
    {
        var first = new DateTime(2027, 1, 1, 9, 0, 0);
        Assert.Equal(3, Starts("FREQ=DAILY;UNTIL=20270103", first).Count);
        Assert.Equal(3, Starts("FREQ=DAILY;UNTIL=20270103T090000", first).Count);
        // 09:00 in Shanghai is 01:00 UTC.
        Assert.Equal(3, Starts("FREQ=DAILY;UNTIL=20270103T010000Z", first).Count);
        Assert.Equal(2, Starts("FREQ=DAILY;UNTIL=20270103T005959Z", first).Count);
    }

    [Fact]
    public void OccurrencesKeepTheirWallClockTimeAcrossDaylightSaving()
    {
        // Berlin moves to summer time on 28 March 2027: 09:00 stays 09:00, so the UTC time moves an hour earlier.
        var starts = Starts("FREQ=DAILY;COUNT=3", new DateTime(2027, 3, 27, 9, 0, 0), zone: Berlin);
        var instants = starts.Select(s => LocalTime.ToInstant(s, Berlin)).ToList();
        Assert.Equal([new(2027, 3, 27, 8, 0, 0, TimeSpan.Zero), new(2027, 3, 28, 7, 0, 0, TimeSpan.Zero), new(2027, 3, 29, 7, 0, 0, TimeSpan.Zero)], instants);
    }

    [Fact]
    public void ATimeTheClocksSkipMovesForwardAndARepeatedOneIsTheFirst()
    {
        // 02:30 does not exist in Berlin on 28 March 2027 (02:00 → 03:00): it is 03:30 summer time.
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), LocalTime.ToInstant(new DateTime(2027, 3, 28, 2, 30, 0), Berlin));
        // 02:30 happens twice on 31 October 2027: the first, summer time one.
        Assert.Equal(new DateTimeOffset(2027, 10, 31, 0, 30, 0, TimeSpan.Zero), LocalTime.ToInstant(new DateTime(2027, 10, 31, 2, 30, 0), Berlin));
    }

    [Fact]
    public void AnUntilInUtcIsComparedAtTheOccurrencesOwnOffset()
    {
        // Until 07:30 UTC on 29 March: the 09:00 Berlin occurrence that day is 07:00 UTC (summer time), so it is in.
        var starts = Starts("FREQ=DAILY;UNTIL=20270329T073000Z", new DateTime(2027, 3, 27, 9, 0, 0), zone: Berlin);
        Assert.Equal(3, starts.Count);
    }

    [Fact]
    public void AWeeklyRuleStartsOnADayItNames()
    {
        var rule = RecurrenceRule.Parse("FREQ=WEEKLY;BYDAY=MO");
        Assert.Equal(RecurrenceRule.Invalid, Assert.Throws<ValidationException>(() => rule.EnsureStartsOn(new DateTime(2027, 1, 5))).Code);
        rule.EnsureStartsOn(new DateTime(2027, 1, 4));
    }

    [Fact]
    public void ARuleWithoutEndStopsAtTheEndOfTime()
    {
        var starts = RecurrenceRule.Parse("FREQ=MONTHLY;INTERVAL=999").Starts(new DateTime(9000, 1, 1), Shanghai).ToList();
        Assert.Equal(new DateTime(9000, 1, 1), starts[0]);
        Assert.True(starts.Count < 20);
    }
}
