using System.Text.RegularExpressions;
using Crm.Domain.Common;

namespace Crm.Domain.Access;

/// <summary>
/// What a role may hold, and who may give it: permissions from the catalogue only, field rules on
/// catalogue modules, and no one but a super administrator grants what they do not hold themselves.
/// </summary>
public static partial class RoleRules
{
    /// <summary>
    /// Checks a role's permissions and field rules against the catalogue (the product's modules and
    /// those record types contribute); every problem is reported at once, keyed by field.
    /// </summary>
    public static void Validate(IReadOnlyList<string> permissions, IReadOnlyList<FieldRule> fieldRules, IReadOnlyList<PermissionModule> catalogue)
    {
        var known = catalogue.SelectMany(m => m.Permissions).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);
        var modules = catalogue.Select(m => m.Module).ToHashSet(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var unknown = permissions.Where(p => !known.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            errors["permissions"] = [.. unknown.Select(p => $"'{p}' is not in the permission catalogue (GET /api/v1/permissions).")];
        }
        var ruleErrors = new List<string>();
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < fieldRules.Count; i++)
        {
            var rule = fieldRules[i];
            if (!modules.Contains(rule.Entity))
            {
                ruleErrors.Add($"[{i}] entity '{rule.Entity}' is not a module of the permission catalogue.");
            }
            if (!FieldName().IsMatch(rule.Field))
            {
                ruleErrors.Add($"[{i}] field '{rule.Field}' must be a camelCase field name.");
            }
            else if (FieldRules.AlwaysShown.Contains(rule.Field))
            {
                ruleErrors.Add($"[{i}] field '{rule.Field}' is always shown: every answer carries a record's id, version and when and by whom it was made and changed.");
            }
            if (!seen.Add((rule.Entity, rule.Field)))
            {
                ruleErrors.Add($"[{i}] repeats the rule for {rule.Entity}.{rule.Field}.");
            }
        }
        if (ruleErrors.Count > 0)
        {
            errors["fieldRules"] = [.. ruleErrors];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors, "role.invalid");
        }
    }

    /// <summary>
    /// What a role granting <paramref name="granted"/> in <paramref name="scope"/> adds over what it held
    /// before (<paramref name="before"/> in <paramref name="beforeScope"/>) beyond the actor's own rights:
    /// a permission the actor lacks, or one they hold only in a narrower scope. Non-empty is an escalation.
    /// </summary>
    public static IReadOnlyList<string> NotHeld(AccessProfile actor, IEnumerable<string> granted, DataScope scope, Func<string, bool> scoped,
        IEnumerable<string>? before = null, DataScope? beforeScope = null)
    {
        var had = before is not null && beforeScope is { } old && DataScopes.Includes(old, scope)
            ? before.ToHashSet(StringComparer.Ordinal)
            : [];
        return DataScopes.Exceeding(actor, granted.Where(p => !had.Contains(p)), scope, scoped);
    }

    /// <summary>Refuses giving away permissions, or scopes, the actor does not hold.</summary>
    public static void EnsureNoEscalation(AccessProfile actor, IEnumerable<string> granted, DataScope scope, Func<string, bool> scoped,
        IEnumerable<string>? before = null, DataScope? beforeScope = null)
    {
        var missing = NotHeld(actor, granted, scope, scoped, before, beforeScope);
        if (missing.Count > 0)
        {
            throw new ForbiddenException("role.escalation",
                $"You cannot grant what you do not hold yourself in scope '{scope}': {string.Join(", ", missing)}.");
        }
    }

    public static void EnsureMayGrantSuperAdmin(AccessProfile actor)
    {
        if (!actor.IsSuperAdmin)
        {
            throw new ForbiddenException("role.escalation", "Only a super administrator can give or take the super administrator role.");
        }
    }

    // Field names of records: camelCase, or a custom field as customFields.name.
    [GeneratedRegex(@"^(customFields\.)?[a-z][a-zA-Z0-9]{0,63}\z")]
    private static partial Regex FieldName();
}
