namespace Crm.Domain.Sales;

/// <summary>
/// A tenant's public-pool limits (<c>/api/v1/settings/pool</c>): how many customers one user may own
/// for a claim to pass, and how long someone whose customer went to the pool waits before claiming it back.
/// </summary>
public sealed record PoolSettings : Crm.Domain.Tenants.ITenantSettings
{
    public const int MaxClaimCap = 100_000;
    public const int MaxCooldownDays = 365;

    public static PoolSettings Default { get; } = new();

    /// <summary>Customers a user may own and still claim more; null means no cap.</summary>
    public int? ClaimCap { get; init; }

    /// <summary>Days before the previous owner may claim a customer back from the pool; 0 means at once.</summary>
    public int ReclaimCooldownDays { get; init; } = 7;

    public IDictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ClaimCap is < 1 or > MaxClaimCap)
        {
            problems["claimCap"] = [$"Must be between 1 and {MaxClaimCap}, or null for no cap."];
        }
        if (ReclaimCooldownDays is < 0 or > MaxCooldownDays)
        {
            problems["reclaimCooldownDays"] = [$"Must be between 0 and {MaxCooldownDays}."];
        }
        return problems;
    }
}
