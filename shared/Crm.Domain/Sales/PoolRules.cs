using Crm.Domain.Access;

namespace Crm.Domain.Sales;

public enum PoolVerdictKind
{
    /// <summary>Not due, or exempt (locked, open opportunity, no rule, already in the pool).</summary>
    Keep,

    /// <summary>Due within the rule's warning window: its owner is told once.</summary>
    Warn,

    /// <summary>Due: it goes back to the pool.</summary>
    Return,
}

/// <summary>What a rule decides for one customer at one time; <see cref="DueAt"/> is when it goes (or went) due.</summary>
public sealed record PoolVerdict(PoolVerdictKind Kind, DateTimeOffset? DueAt = null, string? Reason = null)
{
    public static PoolVerdict Keep { get; } = new(PoolVerdictKind.Keep);
}

/// <summary>A customer's opportunities as pool rules see them.</summary>
public sealed record CustomerDeals(bool HasOpen, DateTimeOffset? LastWonAt)
{
    public static CustomerDeals None { get; } = new(false, null);
}

/// <summary>The public pool's rules (seed 4 "公海"): which rule applies, when a customer is due, who may claim it.</summary>
public static class PoolRules
{
    public const int MaxDays = 3650;
    public const string NoFollowUp = "noFollowUp";
    public const string NoDeal = "noDeal";

    public static IDictionary<string, string[]> Problems(PoolRule rule)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (rule.DaysWithoutFollowUp is null && rule.DaysWithoutDeal is null)
        {
            problems["daysWithoutFollowUp"] = ["Give daysWithoutFollowUp, daysWithoutDeal, or both."];
        }
        foreach (var (field, days) in new[] { ("daysWithoutFollowUp", rule.DaysWithoutFollowUp), ("daysWithoutDeal", rule.DaysWithoutDeal) })
        {
            if (days is < 1 or > MaxDays)
            {
                problems[field] = [$"Must be between 1 and {MaxDays}."];
            }
        }
        var shortest = new[] { rule.DaysWithoutFollowUp, rule.DaysWithoutDeal }.Where(d => d is > 0).Min();
        if (rule.WarnDaysBefore < 0 || (shortest is { } s && rule.WarnDaysBefore >= s))
        {
            problems["warnDaysBefore"] = ["Must be 0 (no warning) or fewer days than the rule's shortest period."];
        }
        return problems;
    }

    /// <summary>
    /// The rule for an owner: the enabled rule of their department or the nearest department above it,
    /// else the tenant's. A disabled rule counts as none, so the next one up applies.
    /// </summary>
    public static PoolRule? RuleFor(string ownerId, OrgChart org, IReadOnlyCollection<PoolRule> rules)
    {
        var enabled = rules.Where(r => r.Enabled).ToList();
        if (org.DepartmentOf(ownerId) is { } department)
        {
            foreach (var id in org.DepartmentChain(department))
            {
                if (enabled.FirstOrDefault(r => r.DepartmentId == id) is { } rule)
                {
                    return rule;
                }
            }
        }
        return enabled.FirstOrDefault(r => r.DepartmentId is null);
    }

    /// <summary>
    /// Locked customers and those with an open opportunity are exempt. Otherwise each period counts from
    /// the latest of: the event it watches (follow-up, won deal), the owner getting it, its creation.
    /// The earlier due date decides.
    /// </summary>
    public static PoolVerdict Judge(Customer customer, PoolRule rule, CustomerDeals deals, DateTimeOffset now)
    {
        if (customer.OwnerId is null || customer.IsLocked || deals.HasOpen)
        {
            return PoolVerdict.Keep;
        }
        var since = Latest(customer.CreatedAt, customer.OwnedSince);
        var candidates = new List<(DateTimeOffset Due, string Reason)>();
        if (rule.DaysWithoutFollowUp is { } n)
        {
            candidates.Add((Latest(since, customer.LastFollowUpAt).AddDays(n), NoFollowUp));
        }
        if (rule.DaysWithoutDeal is { } m)
        {
            candidates.Add((Latest(since, deals.LastWonAt).AddDays(m), NoDeal));
        }
        if (candidates.Count == 0)
        {
            return PoolVerdict.Keep;
        }
        var (due, reason) = candidates.MinBy(c => c.Due);
        if (now >= due)
        {
            return new PoolVerdict(PoolVerdictKind.Return, due, reason);
        }
        return rule.WarnDaysBefore > 0 && now >= due.AddDays(-rule.WarnDaysBefore)
            ? new PoolVerdict(PoolVerdictKind.Warn, due, reason)
            : PoolVerdict.Keep;
    }

    /// <summary>When <paramref name="userId"/> may claim the pool customer again, or null when they may now.</summary>
    public static DateTimeOffset? CooldownEndsAt(Customer customer, string userId, int cooldownDays, DateTimeOffset now)
    {
        if (cooldownDays <= 0 || customer.PreviousOwnerId != userId || customer.PooledAt is not { } pooled)
        {
            return null;
        }
        var ends = pooled.AddDays(cooldownDays);
        return ends > now ? ends : null;
    }

    /// <summary>A customer leaving its owner for the pool: no owner, no team (their seats were the owner's business).</summary>
    public static Customer ToPool(Customer customer, DateTimeOffset now, string? reason, string? ruleId) => customer with
    {
        PreviousOwnerId = customer.OwnerId,
        OwnerId = null,
        Team = [],
        OwnedSince = null,
        PooledAt = now,
        PoolReason = reason,
        PoolRuleId = ruleId,
    };

    /// <summary>A pool customer taken by (or given to) a user: the cool-down fields stay for the next release.</summary>
    public static Customer FromPool(Customer customer, string ownerId, DateTimeOffset now) => customer with
    {
        OwnerId = ownerId,
        Team = [],
        OwnedSince = now,
    };

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset? b) => b is { } x && x > a ? x : a;
}
