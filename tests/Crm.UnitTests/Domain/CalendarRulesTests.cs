using Crm.Domain.Collaboration;
using Crm.Domain.Common;

namespace Crm.UnitTests.Domain;

public sealed class CalendarRulesTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static CalendarEvent Weekly(string repeat) => new()
    {
        Title = "Jour fixe", StartAt = new DateTimeOffset(2027, 3, 22, 9, 0, 0, TimeSpan.FromHours(1)), EndAt = new DateTimeOffset(2027, 3, 22, 10, 0, 0, TimeSpan.FromHours(1)),
        Repeat = repeat, TimeZone = "Europe/Berlin",
    };

    [Fact]
    public void ARepeatKeepsItsWallClockTimeAndLengthAcrossDaylightSaving()
    {
        var occurrences = CalendarRules.All(Weekly("FREQ=WEEKLY;COUNT=2"), Berlin).ToList();
        Assert.Equal(new DateTimeOffset(2027, 3, 22, 8, 0, 0, TimeSpan.Zero), occurrences[0].Start);
        // A week later Berlin is on summer time: still 09:00 to 10:00 there.
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 7, 0, 0, TimeSpan.Zero), occurrences[1].Start);
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero), occurrences[1].End);
    }

    [Fact]
    public void ARangeReadFindsTheOccurrencesThatOverlapIt()
    {
        var e = Weekly("FREQ=DAILY");
        var from = new DateTimeOffset(2027, 4, 1, 7, 30, 0, TimeSpan.Zero);
        var found = CalendarRules.Between(e, Berlin, from, from.AddDays(2)).ToList();
        // 1 April 09:00-10:00 Berlin (07:00-08:00 UTC) overlaps 07:30; then 2 April and 3 April's starts at 07:00 UTC.
        Assert.Equal([from.AddMinutes(-30), from.AddDays(1).AddMinutes(-30)], found.Select(o => o.Start).Take(2));
        Assert.Equal(3, found.Count);
        Assert.Null(CalendarRules.LastEnd(e, Berlin));
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero), CalendarRules.LastEnd(Weekly("FREQ=WEEKLY;COUNT=2"), Berlin));
    }

    [Fact]
    public void TheNextReminderIsOfTheFirstOccurrenceAfterTheLastRemindedAndTheLastWrite()
    {
        var e = Weekly("FREQ=WEEKLY;COUNT=3") with { RemindMinutesBefore = 15 };
        var all = CalendarRules.All(e, Berlin).ToList();
        Assert.Equal(all[0], CalendarRules.NextToRemind(e, Berlin, all[0].Start.AddDays(-1)));
        Assert.Equal(all[1], CalendarRules.NextToRemind(e with { RemindedFor = all[0].Start }, Berlin, all[0].Start.AddMinutes(-15)));
        Assert.Equal(all[2], CalendarRules.NextToRemind(e, Berlin, all[1].Start));
        Assert.Null(CalendarRules.NextToRemind(e with { RemindedFor = all[2].Start }, Berlin, all[0].Start));
        Assert.Null(CalendarRules.NextToRemind(e with { RemindMinutesBefore = null }, Berlin, all[0].Start.AddDays(-1)));
    }

    [Fact]
    public void CheckingNormalisesTheRepeatAndDefaultsTheEndDate()
    {
        var allDay = CalendarRules.Checked(new CalendarEvent { Title = "Off", AllDay = true, StartDate = new DateOnly(2027, 1, 29), Repeat = "freq=monthly" }, Berlin);
        Assert.Equal(new DateOnly(2027, 1, 29), allDay.EndDate);
        Assert.Equal("FREQ=MONTHLY", allDay.Repeat);
        // 29 January, then no 29 February in 2027: March.
        Assert.Equal([new DateOnly(2027, 1, 29), new DateOnly(2027, 3, 29)], CalendarRules.All(allDay, Berlin).Take(2).Select(o => o.StartDate!.Value));
        Assert.Equal(CalendarRules.TimesMixed, Assert.Throws<ValidationException>(() =>
            CalendarRules.Checked(new CalendarEvent { AllDay = true, StartDate = new DateOnly(2027, 1, 1), StartAt = DateTimeOffset.UtcNow }, Berlin)).Code);
        Assert.Equal(RecurrenceRule.Invalid, Assert.Throws<ValidationException>(() => CalendarRules.Checked(Weekly("FREQ=WEEKLY;BYDAY=TU"), Berlin)).Code);
        Assert.Equal(CalendarRules.RangeTooLong, Assert.Throws<ValidationException>(() =>
            CalendarRules.CheckRange(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(93))).Code);
    }
}
