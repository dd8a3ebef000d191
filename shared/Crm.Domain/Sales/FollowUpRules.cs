using Crm.Domain.Common;

namespace Crm.Domain.Sales;

/// <summary>The rules of a follow-up's times and of the <c>lastFollowUpAt</c> it gives its record.</summary>
public static class FollowUpRules
{
    public const int MaxContentLength = 4000;

    /// <summary>Clocks of phones and laptops drift: a follow-up a few minutes "in the future" is still now.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public const string OccurredInFuture = "followup.occurred_in_future";
    public const string NextContactNotAfter = "followup.next_contact_not_after_occurred";
    public const string ContentBlank = "followup.content_blank";

    public static void Check(string content, DateTimeOffset occurredAt, DateTimeOffset? nextContactAt, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            throw new ValidationException("content", "Must have characters besides spaces.", ContentBlank);
        }
        if (occurredAt > now + ClockSkew)
        {
            throw new ValidationException("occurredAt", "A follow-up records what happened: it cannot be in the future.", OccurredInFuture);
        }
        if (nextContactAt is { } next && next <= occurredAt)
        {
            throw new ValidationException("nextContactAt", "Must be after occurredAt.", NextContactNotAfter);
        }
    }

    /// <summary>
    /// The record's new <c>lastFollowUpAt</c> after a follow-up at <paramref name="occurredAt"/> was added
    /// or moved later: it only ever moves forward, so an older follow-up recorded late changes nothing.
    /// </summary>
    public static DateTimeOffset? Advanced(DateTimeOffset? current, DateTimeOffset occurredAt) =>
        current is { } c && c >= occurredAt ? c : occurredAt;

    /// <summary>The newest of the record's follow-ups, after one was deleted, moved earlier or moved away.</summary>
    public static DateTimeOffset? Newest(IEnumerable<FollowUp> followUps) =>
        followUps.Select(f => (DateTimeOffset?)f.OccurredAt).Max();
}
