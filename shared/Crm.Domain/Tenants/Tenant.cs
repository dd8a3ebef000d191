using System.Text.RegularExpressions;

namespace Crm.Domain.Tenants;

/// <summary>A company using the CRM. Nothing ever crosses tenants.</summary>
public sealed partial record Tenant
{
    public string Id { get; init; } = "";
    public string Slug { get; init; } = "";
    public string Name { get; init; } = "";
    public string Currency { get; init; } = "CNY";
    public string TimeZone { get; init; } = "Asia/Shanghai";
    public int RecycleBinRetentionDays { get; init; } = 30;

    /// <summary>When set, PATCH and DELETE without If-Match answer 428 instead of last-write-wins.</summary>
    public bool RequireIfMatch { get; init; }

    /// <summary>Password policy and sign-in lockout (<c>/api/v1/settings/security</c>).</summary>
    public SecuritySettings Security { get; init; } = SecuritySettings.Default;

    /// <summary>Claim cap and cool-down of the public pool (<c>/api/v1/settings/pool</c>).</summary>
    public Sales.PoolSettings Pool { get; init; } = Sales.PoolSettings.Default;

    /// <summary>How quotes, contracts and purchase orders are numbered (<c>/api/v1/settings/numbering</c>).</summary>
    public Commerce.NumberingSettings Numbering { get; init; } = Commerce.NumberingSettings.Default;

    /// <summary>Which document types go through approval (<c>/api/v1/settings/approvals</c>).</summary>
    public Approvals.ApprovalSettings Approvals { get; init; } = Crm.Domain.Approvals.ApprovalSettings.Default;

    /// <summary>Set once the first department and administrator exist; provisioning resumes until then.</summary>
    public bool Provisioned { get; init; }
    public string OfficeDepartmentId { get; init; } = "";
    public string AdminUserId { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the run command's demo data was seeded into this tenant (only the demo tenant has it).</summary>
    public DateTimeOffset? DemoDataSeededAt { get; init; }

    /// <summary>Resolved from <see cref="TimeZone"/>; the id alone is what is stored and sent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public static bool IsValidSlug(string slug) => SlugPattern().IsMatch(slug);

    // \z, not $: "$" also matches before a final line break, which would let "acme\n" through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]\z")]
    private static partial Regex SlugPattern();
}
