namespace Crm.Domain.Common;

/// <summary>
/// Wall-clock times of a tenant's time zone and the instants they name, for rules that speak in local days
/// and times (a task due today, a meeting at 09:00 every Monday) across daylight-saving changes.
/// </summary>
public static class LocalTime
{
    /// <summary>
    /// The instant a local wall-clock time names in <paramref name="zone"/>. A time a daylight-saving change skips is
    /// moved forward by the gap (02:30 on a spring-forward night is 03:30), as RFC 5545 reads it; an ambiguous
    /// time (clocks set back over it) is the first of the two, the earlier instant.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The offset before the gap applied to the skipped time lands just as far after the gap.
            var before = zone.GetUtcOffset(local.AddHours(-3));
            return new DateTimeOffset(local - before, TimeSpan.Zero);
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The instant a calendar day begins in <paramref name="zone"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone) => ToInstant(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>The calendar day an instant falls on in <paramref name="zone"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The wall-clock time of an instant in <paramref name="zone"/>.</summary>
    public static DateTime WallClock(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone).DateTime;
}
