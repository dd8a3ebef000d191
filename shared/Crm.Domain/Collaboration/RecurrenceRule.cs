using System.Globalization;
using System.Text;
using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

public enum RecurrenceFrequency
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>
/// The subset of an RFC 5545 RRULE the calendar repeats events by: <c>FREQ=DAILY|WEEKLY|MONTHLY</c> with
/// <c>INTERVAL</c>, one of <c>COUNT</c> or <c>UNTIL</c>, and <c>BYDAY</c> (plain weekdays) for weekly rules. Occurrences
/// keep the first one's wall-clock time in the tenant's time zone across daylight-saving changes; a monthly rule
/// on a day some months lack (the 31st) skips those months, as RFC 5545 says. Weeks start on Monday.
/// </summary>
public sealed record RecurrenceRule(RecurrenceFrequency Frequency, int Interval, int? Count, RecurrenceUntil? Until, IReadOnlyList<DayOfWeek> ByDay)
{
    public const string Unsupported = "calendar.repeat_unsupported";
    public const string Invalid = "calendar.repeat_invalid";
    public const int MaxInterval = 999;
    public const int MaxCount = 1000;

    private static readonly string[] DayCodes = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

    /// <summary>Parts RFC 5545 has that the calendar does not repeat by: refused by name rather than ignored.</summary>
    private static readonly HashSet<string> KnownUnsupported = ["BYSECOND", "BYMINUTE", "BYHOUR", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"];

    /// <summary>
    /// The rule in <paramref name="text"/> (an optional <c>RRULE:</c> prefix allowed); a 400 naming <paramref name="field"/> and the
    /// part at fault otherwise: <see cref="Unsupported"/> for what RFC 5545 has and the calendar does not, <see cref="Invalid"/> for the rest.
    /// </summary>
    public static RecurrenceRule Parse(string text, string field = "repeat")
    {
        var body = text.Trim();
        if (body.StartsWith("RRULE:", StringComparison.OrdinalIgnoreCase))
        {
            body = body[6..];
        }
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in body.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ValidationException(field, $"'{part}' is not NAME=VALUE.", Invalid);
            }
            var name = part[..eq].Trim().ToUpperInvariant();
            if (!parts.TryAdd(name, part[(eq + 1)..].Trim().ToUpperInvariant()))
            {
                throw new ValidationException(field, $"{name} is given twice.", Invalid);
            }
        }
        foreach (var name in parts.Keys)
        {
            if (KnownUnsupported.Contains(name))
            {
                throw new ValidationException(field, $"{name} is not supported; the calendar repeats by FREQ, INTERVAL, COUNT, UNTIL and (weekly) BYDAY.", Unsupported);
            }
            if (name is not ("FREQ" or "INTERVAL" or "COUNT" or "UNTIL" or "BYDAY"))
            {
                throw new ValidationException(field, $"{name} is not a part of an RRULE.", Invalid);
            }
        }
        var frequency = parts.GetValueOrDefault("FREQ") switch
        {
            "DAILY" => RecurrenceFrequency.Daily,
            "WEEKLY" => RecurrenceFrequency.Weekly,
            "MONTHLY" => RecurrenceFrequency.Monthly,
            null => throw new ValidationException(field, "FREQ is required.", Invalid),
            "YEARLY" or "HOURLY" or "MINUTELY" or "SECONDLY" => throw new ValidationException(field, $"FREQ={parts["FREQ"]} is not supported; use DAILY, WEEKLY or MONTHLY.", Unsupported),
            var other => throw new ValidationException(field, $"FREQ={other} is not a frequency.", Invalid),
        };
        var interval = parts.TryGetValue("INTERVAL", out var i) ? Number(i, "INTERVAL", MaxInterval, field) : 1;
        int? count = parts.TryGetValue("COUNT", out var c) ? Number(c, "COUNT", MaxCount, field) : null;
        var until = parts.TryGetValue("UNTIL", out var u) ? RecurrenceUntil.Parse(u, field) : null;
        if (count is not null && until is not null)
        {
            throw new ValidationException(field, "COUNT and UNTIL exclude each other.", Invalid);
        }
        IReadOnlyList<DayOfWeek> byDay = [];
        if (parts.TryGetValue("BYDAY", out var days))
        {
            if (frequency != RecurrenceFrequency.Weekly)
            {
                throw new ValidationException(field, "BYDAY is supported with FREQ=WEEKLY only.", Unsupported);
            }
            byDay = [.. days.Split(',').Select(d => Day(d.Trim(), field)).Distinct().OrderBy(MondayFirst)];
        }
        return new RecurrenceRule(frequency, interval, count, until, byDay);
    }

    /// <summary>The canonical text of the rule, as stored and answered.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("FREQ=").Append(Frequency.ToString().ToUpperInvariant());
        if (Interval != 1)
        {
            text.Append(CultureInfo.InvariantCulture, $";INTERVAL={Interval}");
        }
        if (Count is { } count)
        {
            text.Append(CultureInfo.InvariantCulture, $";COUNT={count}");
        }
        if (Until is { } until)
        {
            text.Append(";UNTIL=").Append(until);
        }
        if (ByDay.Count > 0)
        {
            text.Append(";BYDAY=").Append(string.Join(',', ByDay.Select(d => DayCodes[(int)d])));
        }
        return text.ToString();
    }

    /// <summary>A 400 when the first occurrence is not one the rule makes (a weekly rule on Mondays starting on a Tuesday).</summary>
    public void EnsureStartsOn(DateTime firstLocal, string field = "repeat")
    {
        if (ByDay.Count > 0 && !ByDay.Contains(firstLocal.DayOfWeek))
        {
            throw new ValidationException(field, $"The event starts on a {firstLocal.DayOfWeek}, which BYDAY does not include.", Invalid);
        }
    }

    /// <summary>
    /// The wall-clock starts of the occurrences, the first one first, in order, as far as COUNT or UNTIL allow (without them,
    /// without end: the caller stops). <paramref name="zone"/> is where UNTIL in UTC is compared.
    /// </summary>
    public IEnumerable<DateTime> Starts(DateTime firstLocal, TimeZoneInfo zone)
    {
        var made = 0;
        foreach (var start in Candidates(firstLocal))
        {
            if (Until is { } until && !until.Admits(start, zone))
            {
                yield break;
            }
            yield return start;
            if (++made == Count)
            {
                yield break;
            }
        }
    }

    /// <summary>Every date the frequency and interval make, in order, from the first; the limits apply in <see cref="Starts"/>.</summary>
    private IEnumerable<DateTime> Candidates(DateTime first)
    {
        switch (Frequency)
        {
            case RecurrenceFrequency.Daily:
                for (var k = 0L; ; k++)
                {
                    if (!TryAdd(first, () => first.AddDays(k * Interval), out var next))
                    {
                        yield break;
                    }
                    yield return next;
                }
            case RecurrenceFrequency.Weekly:
                var days = ByDay.Count > 0 ? ByDay : [first.DayOfWeek];
                var monday = first.Date.AddDays(-MondayFirst(first.DayOfWeek));
                for (var week = 0L; ; week++)
                {
                    if (!TryAdd(monday, () => monday.AddDays(week * 7 * Interval), out var weekStart))
                    {
                        yield break;
                    }
                    foreach (var day in days)
                    {
                        var next = weekStart.AddDays(MondayFirst(day)) + first.TimeOfDay;
                        if (next >= first)
                        {
                            yield return next;
                        }
                    }
                }
            default:
                var firstMonth = new DateTime(first.Year, first.Month, 1);
                for (var k = 0L; ; k++)
                {
                    if (!TryAdd(firstMonth, () => firstMonth.AddMonths((int)Math.Min(k * Interval, int.MaxValue)), out var month))
                    {
                        yield break;
                    }
                    // The 31st in a 30-day month (or the 29th in a short February) is no date: that month has no occurrence.
                    if (first.Day <= DateTime.DaysInMonth(month.Year, month.Month))
                    {
                        yield return new DateTime(month.Year, month.Month, first.Day) + first.TimeOfDay;
                    }
                }
        }
    }

    private static bool TryAdd(DateTime from, Func<DateTime> add, out DateTime result)
    {
        try
        {
            result = add();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            result = from;
            return false;
        }
    }

    private static int MondayFirst(DayOfWeek day) => ((int)day + 6) % 7;

    private static int Number(string value, string name, int max, string field) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw new ValidationException(field, $"{name} must be a whole number from 1 to {max}.", Invalid);

    private static DayOfWeek Day(string code, string field)
    {
        var index = Array.IndexOf(DayCodes, code);
        if (index >= 0)
        {
            return (DayOfWeek)index;
        }
        if (code.Length > 2 && Array.IndexOf(DayCodes, code[^2..]) >= 0)
        {
            throw new ValidationException(field, $"BYDAY={code}: a numbered weekday is not supported; name plain weekdays (MO,WE,FR).", Unsupported);
        }
        throw new ValidationException(field, $"BYDAY={code} is not a weekday (MO, TU, WE, TH, FR, SA, SU).", Invalid);
    }
}

/// <summary>
/// The last moment a rule repeats to: a UTC time (<c>20270101T090000Z</c>), a wall-clock time of the tenant's zone
/// (<c>20270101T090000</c>) or a whole date (<c>20270101</c>, for all-day events), each inclusive.
/// </summary>
public sealed record RecurrenceUntil(DateTime Value, bool IsUtc, bool IsDate)
{
    public static RecurrenceUntil Parse(string text, string field)
    {
        var styles = DateTimeStyles.None;
        if (text.Length == 8 && DateTime.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, styles, out var date))
        {
            return new(date, false, true);
        }
        if (text.Length == 16 && text.EndsWith('Z') && DateTime.TryParseExact(text[..15], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, styles, out var utc))
        {
            return new(utc, true, false);
        }
        if (text.Length == 15 && DateTime.TryParseExact(text, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, styles, out var local))
        {
            return new(local, false, false);
        }
        throw new ValidationException(field, $"UNTIL={text} is not a date (20270131) or date-time (20270131T090000Z).", RecurrenceRule.Invalid);
    }

    /// <summary>Whether an occurrence starting at <paramref name="localStart"/> (a wall-clock time of <paramref name="zone"/>) is within the limit.</summary>
    public bool Admits(DateTime localStart, TimeZoneInfo zone) =>
        IsDate ? localStart.Date <= Value
        : IsUtc ? LocalTime.ToInstant(localStart, zone) <= new DateTimeOffset(Value, TimeSpan.Zero)
        : localStart <= Value;

    public override string ToString() =>
        IsDate ? Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
        : Value.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture) + (IsUtc ? "Z" : "");
}
