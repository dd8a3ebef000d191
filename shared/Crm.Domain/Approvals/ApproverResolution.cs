using Crm.Domain.Organisation;

namespace Crm.Domain.Approvals;

/// <summary>Who a step's rule named, and whether nobody fit so the step went to the super administrators.</summary>
public sealed record ResolvedApprovers(IReadOnlyList<string> UserIds, bool FellBack);

/// <summary>
/// Turns a step's approver rule into users when the step starts. Disabled users never approve, nor does the submitter
/// approve their own document. A rule that names nobody left (a role without members, a submitter without a superior)
/// sends the step to the tenant's active super administrators, so no document waits on no one; only in a tenant whose
/// one super administrator is the submitter does the submitter approve.
/// </summary>
public static class ApproverResolution
{
    public static ResolvedApprovers Resolve(ApproverRule rule, string submitterId, IReadOnlyCollection<User> users)
    {
        var byId = users.ToDictionary(u => u.Id, StringComparer.Ordinal);
        IEnumerable<string> named = rule.Kind switch
        {
            ApproverKind.Users => rule.UserIds ?? [],
            ApproverKind.Role => users.Where(u => rule.RoleId is { } role && u.RoleIds.Contains(role, StringComparer.Ordinal)).Select(u => u.Id),
            _ => Superior(byId, submitterId, rule.Levels ?? 1) is { } superior ? [superior] : [],
        };
        var approvers = Active(named, byId).Where(id => id != submitterId).ToList();
        if (approvers.Count > 0)
        {
            return new ResolvedApprovers(approvers, false);
        }
        var admins = Active(users.Where(u => u.IsSuperAdmin).Select(u => u.Id), byId).ToList();
        var others = admins.Where(id => id != submitterId).ToList();
        return new ResolvedApprovers(others.Count > 0 ? others : admins, true);
    }

    /// <summary>The superior <paramref name="levels"/> up, or the highest one reached when the chain is shorter; null without any.</summary>
    public static string? Superior(IReadOnlyDictionary<string, User> users, string userId, int levels)
    {
        string? reached = null;
        var current = users.TryGetValue(userId, out var user) ? user.SuperiorId : null;
        for (var level = 1; current is not null && level <= Math.Min(levels, OrganisationRules.MaxDepth); level++)
        {
            reached = current;
            current = users.TryGetValue(current, out var next) ? next.SuperiorId : null;
        }
        return reached;
    }

    private static IEnumerable<string> Active(IEnumerable<string> ids, IReadOnlyDictionary<string, User> users) =>
        ids.Distinct(StringComparer.Ordinal).Where(id => users.TryGetValue(id, out var u) && u.Status == UserStatus.Active).Order(StringComparer.Ordinal);
}
