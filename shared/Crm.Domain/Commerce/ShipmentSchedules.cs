using Crm.Domain.Common;

namespace Crm.Domain.Commerce;

public enum SchedulePeriod
{
    Weekly,
    Monthly,
    Quarterly,
}

public enum ScheduleStatus
{
    Active,
    Cancelled,
    Ended,
}

/// <summary>One product of every delivery, so many units.</summary>
public sealed record ScheduleLine(string ProductId, decimal Quantity);

/// <summary>
/// Periodic deliveries of an active contract (周期发货): from <see cref="StartDate"/> every week, month or quarter
/// until <see cref="EndDate"/> (or the contract ends), each delivery a packed shipment of <see cref="Lines"/> made on its
/// date in the tenant's time zone. Ended when the last date passed, the contract stopped being active, nothing remains
/// to ship, or a delivery was refused (<see cref="EndReason"/>); cancelled by a user.
/// </summary>
public sealed record ShipmentSchedule : RecordBase
{
    public string ContractId { get; init; } = "";
    public string CustomerId { get; init; } = "";
    public SchedulePeriod Period { get; init; }
    public DateOnly StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public IReadOnlyList<ScheduleLine> Lines { get; init; } = [];
    public string? PaymentTerm { get; init; }
    public string? WarehouseId { get; init; }
    public string? Address { get; init; }
    public ScheduleStatus Status { get; init; }
    public IReadOnlyList<StatusChange> StatusHistory { get; init; } = [];
    public string? EndReason { get; init; }

    /// <summary>How many deliveries were made (the index of the next one).</summary>
    public int Delivered { get; init; }
}

/// <summary>
/// The dates of periodic deliveries. The n-th date is counted from the start, never from the previous date, so a
/// schedule starting on 31 January delivers on 28 (or 29) February and again on 31 March.
/// </summary>
public static class DeliveryDates
{
    public static DateOnly Nth(SchedulePeriod period, DateOnly start, int index) => period switch
    {
        SchedulePeriod.Weekly => start.AddDays(7 * index),
        SchedulePeriod.Monthly => start.AddMonths(index),
        SchedulePeriod.Quarterly => start.AddMonths(3 * index),
        _ => throw new ArgumentOutOfRangeException(nameof(period)),
    };

    /// <summary>The index-th date, or null when it falls after <paramref name="end"/>.</summary>
    public static DateOnly? Of(SchedulePeriod period, DateOnly start, DateOnly? end, int index)
    {
        var date = Nth(period, start, index);
        return end is { } last && date > last ? null : date;
    }

    /// <summary>Up to <paramref name="count"/> dates from the index-th on.</summary>
    public static IReadOnlyList<DateOnly> From(SchedulePeriod period, DateOnly start, DateOnly? end, int index, int count)
    {
        var dates = new List<DateOnly>();
        for (var i = index; dates.Count < count && Of(period, start, end, i) is { } date; i++)
        {
            dates.Add(date);
        }
        return dates;
    }

    /// <summary>
    /// The instant a delivery date begins in <paramref name="zone"/>. A local midnight that a daylight-saving change
    /// skips is taken as the first instant after the gap.
    /// </summary>
    public static DateTimeOffset StartOf(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        // An ambiguous midnight (clocks set back over it) is the first of the two: the earlier instant.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The calendar day an instant falls on in <paramref name="zone"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}

public static class ShipmentScheduleRules
{
    public const int MaxLines = 50;

    /// <summary>The schedule's terms, each problem under its path.</summary>
    public static void Check(DateOnly start, DateOnly? end, IReadOnlyList<ScheduleLine> lines)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (end is { } last && last < start)
        {
            errors["endDate"] = ["Not before the start date."];
        }
        if (lines.Count == 0)
        {
            errors["lines"] = ["A delivery has at least one line."];
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line is null || string.IsNullOrWhiteSpace(line.ProductId))
            {
                errors[$"lines[{i}].productId"] = ["Every line names a product."];
                continue;
            }
            if (line.Quantity <= 0 || line.Quantity > SalesLines.MaxQuantity || SalesLines.Decimals(line.Quantity) > SalesLines.QuantityDecimals)
            {
                errors[$"lines[{i}].quantity"] = [$"More than 0, with at most {SalesLines.QuantityDecimals} decimals."];
            }
            if (lines.Take(i).Any(l => l?.ProductId == line.ProductId))
            {
                errors[$"lines[{i}].productId"] = ["Each product once per delivery."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    public static ShipmentSchedule Stop(ShipmentSchedule schedule, ScheduleStatus to, string by, DateTimeOffset at, string? reason)
    {
        if (schedule.Status != ScheduleStatus.Active)
        {
            throw new ConflictException("shipmentSchedule.not_active", $"This schedule is already {SalesDocumentRules.Camel(schedule.Status)}.");
        }
        return schedule with
        {
            Status = to,
            EndReason = reason,
            StatusHistory = [.. schedule.StatusHistory, new StatusChange(SalesDocumentRules.Camel(schedule.Status), SalesDocumentRules.Camel(to), at, by, reason)],
        };
    }
}
