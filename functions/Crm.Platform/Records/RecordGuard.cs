using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Records;

/// <summary>
/// Applies data scope and field rules to the shared record endpoints: <see cref="RecordAccess"/> for
/// one owned record, <see cref="ListVisibility"/> for lists, <see cref="FieldRules"/> for writes.
/// </summary>
public sealed class RecordGuard(AccessDirectory directory, RecordWriteChecks writeChecks, TimeProvider clock)
{
    /// <summary>The tenant's configuration (custom fields, dictionaries) every write through the record API meets.</summary>
    public RecordWriteChecks WriteChecks => writeChecks;

    public const string FieldReadOnly = "field.read_only";
    public const string FieldHidden = "field.hidden";
    public const string OutOfScope = "permission.out_of_scope";

    /// <summary>404 when the caller may not know the record, 403 when they may not do this to it; others pass.</summary>
    public async Task EnsureAsync(Caller caller, string typeName, string module, string action, RecordBase record, CancellationToken cancellationToken)
    {
        if (record is not IOwnedRecord owned || caller.IsSuperAdmin)
        {
            return;
        }
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        switch (RecordAccess.Decide(caller.Access, org, caller.UserId, module, action, owned.OwnerId, owned.Team, clock.GetUtcNow()))
        {
            case AccessDecision.NotFound:
                throw new NotFoundException(typeName, record.Id);
            case AccessDecision.Forbidden:
                throw new ForbiddenException(caller.Access.Has($"{module}.{action}") ? OutOfScope : ProblemCodes.PermissionDenied,
                    $"Your permission '{module}.{action}' does not reach this {typeName}.");
        }
    }

    /// <summary>Creating a record for someone else needs a create scope that covers them.</summary>
    public async Task EnsureCanOwnAsync(Caller caller, string module, string ownerId, CancellationToken cancellationToken)
    {
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        if (!org.Knows(ownerId))
        {
            throw new ValidationException("ownerId", $"No user with id '{ownerId}'.", "record.owner_not_found");
        }
        var permission = $"{module}.{Permissions.Actions.Create}";
        if (ownerId != caller.UserId && !caller.IsSuperAdmin && !org.CoversAny(caller.UserId, caller.Access.ScopesFor(permission), ownerId))
        {
            throw new ForbiddenException(OutOfScope, $"Your permission '{permission}' does not reach the user '{ownerId}'.");
        }
    }

    public async Task<bool> UserExistsAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        (await directory.OrgChartAsync(tenantId, cancellationToken)).Knows(userId);

    /// <summary>What a list shows the caller; null when their scope covers every owner.</summary>
    public async Task<ListVisibility?> VisibilityAsync(Caller caller, string module, CancellationToken cancellationToken)
    {
        if (caller.IsSuperAdmin)
        {
            return null;
        }
        var org = await directory.OrgChartAsync(caller.TenantId, cancellationToken);
        var owners = org.OwnersCoveredBy(caller.UserId, caller.Access.ScopesFor($"{module}.{Permissions.Actions.View}"));
        return owners is null ? null : new ListVisibility(owners, caller.UserId);
    }

    /// <summary>
    /// A list may not be sorted or filtered by a field hidden from the caller: the order, or which records match,
    /// would tell its values. 403 naming the field, before anything is read. A prefix search (<c>q</c>) spans
    /// several fields at once, so it is not refused: it answers as the query to run, in which the terms of
    /// fields hidden or masked from the caller do not match.
    /// </summary>
    public static ListQuery RestrictQuery(Caller caller, string entity, ListQuery query)
    {
        var rules = caller.Access.FieldRulesFor(entity);
        if (rules.Count == 0)
        {
            return query;
        }
        var named = query.FilterGroups.SelectMany(g => g.Filters).Select(f => f.Field)
            .Concat(query.FieldEquals.Select(f => f.Key))
            .Prepend(query.Sort.TrimStart('-'));
        if (named.FirstOrDefault(f => FieldRules.IsHidden(f, rules)) is { } field)
        {
            throw new ForbiddenException(FieldHidden, $"You may not sort or filter by the field '{field}': it is hidden from you.",
                new Dictionary<string, object?> { ["field"] = field, ["errors"] = new Dictionary<string, string[]> { [field] = ["This field is hidden from you."] } });
        }
        return query with { UnsearchableFields = FieldRules.Unsearchable(rules) };
    }

    /// <summary>A write naming a field the caller may not write (hidden, read-only or masked) answers 403 and changes nothing.</summary>
    public static void EnsureWritable(Caller caller, string entity, IEnumerable<string> fields)
    {
        if (FieldRules.FirstUnwritable(fields, caller.Access.FieldRulesFor(entity)) is { } field)
        {
            throw new ForbiddenException(FieldReadOnly, $"You may not write the field '{field}'.",
                new Dictionary<string, object?> { ["field"] = field, ["errors"] = new Dictionary<string, string[]> { [field] = ["You may not write this field."] } });
        }
    }
}
