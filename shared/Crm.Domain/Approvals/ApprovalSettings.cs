using Crm.Domain.Tenants;

namespace Crm.Domain.Approvals;

/// <summary>
/// Which document types go through approval (<c>/api/v1/settings/approvals</c>). A type switched off is approved at
/// once when submitted, and the approval history says so; a type switched on uses its flows, and a document no flow's
/// conditions pick is approved at once too.
/// </summary>
public sealed record ApprovalSettings : ITenantSettings
{
    public const int MaxTypes = 50;

    public static ApprovalSettings Default { get; } = new();

    public IReadOnlyList<string> SwitchedOff { get; init; } = [];

    // By value, as the tenant record's other settings compare: a list compares by reference.
    public bool Equals(ApprovalSettings? other) => other is not null && SwitchedOff.SequenceEqual(other.SwitchedOff, StringComparer.Ordinal);

    public override int GetHashCode() => SwitchedOff.Count;

    public bool IsOn(string documentType) => !SwitchedOff.Contains(documentType, StringComparer.Ordinal);

    public IDictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (SwitchedOff is null || SwitchedOff.Count > MaxTypes || SwitchedOff.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 50)
            || SwitchedOff.Distinct(StringComparer.Ordinal).Count() != SwitchedOff.Count)
        {
            problems["switchedOff"] = [$"Up to {MaxTypes} document types, each once."];
        }
        return problems;
    }
}
