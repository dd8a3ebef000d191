namespace Crm.Domain.Access;

public enum AccessDecision
{
    Allowed,

    /// <summary>The caller sees the record but may not do this to it: 403.</summary>
    Forbidden,

    /// <summary>The caller may not even know the record exists: 404.</summary>
    NotFound,
}

/// <summary>
/// The one rule for owned records (PRODUCT.md section 1): visible to the owner, to active team
/// members, and to whoever's scope for <c>{module}.view</c> covers the owner. Other actions need
/// the action's permission in a scope that covers the owner (or ownership, or a read-write team seat).
/// </summary>
public static class RecordAccess
{
    public static AccessDecision Decide(AccessProfile access, OrgChart org, string viewerId, string module, string action,
        string? ownerId, IReadOnlyList<TeamMember> team, DateTimeOffset now)
    {
        if (access.IsSuperAdmin)
        {
            return AccessDecision.Allowed;
        }
        var seat = team.FirstOrDefault(m => m.UserId == viewerId && m.IsActive(now));
        var visible = ownerId == viewerId || seat is not null
            || org.CoversAny(viewerId, access.ScopesFor($"{module}.{Permissions.Actions.View}"), ownerId);
        if (!visible || !access.Has($"{module}.{Permissions.Actions.View}"))
        {
            return AccessDecision.NotFound;
        }
        if (action == Permissions.Actions.View)
        {
            return AccessDecision.Allowed;
        }
        var permission = $"{module}.{action}";
        if (!access.Has(permission))
        {
            return AccessDecision.Forbidden;
        }
        var allowed = ownerId == viewerId
            || (seat?.Access == TeamAccess.ReadWrite && action == Permissions.Actions.Edit)
            || org.CoversAny(viewerId, access.ScopesFor(permission), ownerId);
        return allowed ? AccessDecision.Allowed : AccessDecision.Forbidden;
    }
}
