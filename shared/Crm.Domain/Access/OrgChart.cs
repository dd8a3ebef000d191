namespace Crm.Domain.Access;

/// <summary>One user's place in the organisation, as data scopes need it.</summary>
public sealed record OrgPosition(string? SuperiorId, string DepartmentId);

/// <summary>
/// The organisation as data scopes read it: who reports to whom and which department sits under
/// which. Subordinates are everyone whose chain of superiors reaches the viewer; department scopes
/// follow the department tree.
/// </summary>
public sealed class OrgChart(IReadOnlyDictionary<string, OrgPosition> users, IReadOnlyDictionary<string, string?> departmentParents)
{
    public static OrgChart Empty { get; } = new(new Dictionary<string, OrgPosition>(), new Dictionary<string, string?>());

    public bool Covers(string viewerId, DataScope scope, string? ownerId)
    {
        if (scope == DataScope.All)
        {
            return true;
        }
        if (ownerId is null)
        {
            // Owner-less records (the public pool) belong to no one's part of the organisation.
            return false;
        }
        if (ownerId == viewerId)
        {
            return true;
        }
        return scope switch
        {
            DataScope.SelfAndSubordinates => ReportsTo(ownerId, viewerId),
            DataScope.Department => SameDepartment(viewerId, ownerId),
            DataScope.DepartmentAndChildren => users.TryGetValue(viewerId, out var viewer) && users.TryGetValue(ownerId, out var owner)
                && IsWithin(owner.DepartmentId, viewer.DepartmentId),
            _ => false,
        };
    }

    /// <summary>Whether the user exists in the tenant (disabled users too: they still own records).</summary>
    public bool Knows(string userId) => users.ContainsKey(userId);

    /// <summary>The user's department, or null for an unknown user.</summary>
    public string? DepartmentOf(string userId) => users.TryGetValue(userId, out var position) ? position.DepartmentId : null;

    /// <summary>The department and its ancestors, nearest first (for settings that the most specific department decides).</summary>
    public IEnumerable<string> DepartmentChain(string departmentId)
    {
        string? current = departmentId;
        for (var depth = 0; current is not null && depth <= Organisation.OrganisationRules.MaxDepth; depth++)
        {
            yield return current;
            current = departmentParents.TryGetValue(current, out var parent) ? parent : null;
        }
    }

    /// <summary>Whether the department exists in the tenant.</summary>
    public bool KnowsDepartment(string departmentId) => departmentParents.ContainsKey(departmentId);

    public bool CoversAny(string viewerId, IEnumerable<DataScope> scopes, string? ownerId) => scopes.Any(s => Covers(viewerId, s, ownerId));

    /// <summary>The owners whose records the scopes reach, or null when they reach everyone's.</summary>
    public IReadOnlySet<string>? OwnersCoveredBy(string viewerId, IEnumerable<DataScope> scopes)
    {
        var list = scopes.ToList();
        if (list.Contains(DataScope.All))
        {
            return null;
        }
        var owners = new HashSet<string>(StringComparer.Ordinal) { viewerId };
        foreach (var (userId, _) in users)
        {
            if (list.Any(s => Covers(viewerId, s, userId)))
            {
                owners.Add(userId);
            }
        }
        return owners;
    }

    private bool ReportsTo(string userId, string superiorId)
    {
        var current = users.TryGetValue(userId, out var position) ? position.SuperiorId : null;
        for (var depth = 0; current is not null && depth < Organisation.OrganisationRules.MaxDepth; depth++)
        {
            if (current == superiorId)
            {
                return true;
            }
            current = users.TryGetValue(current, out position) ? position.SuperiorId : null;
        }
        return false;
    }

    private bool SameDepartment(string a, string b) =>
        users.TryGetValue(a, out var x) && users.TryGetValue(b, out var y) && x.DepartmentId == y.DepartmentId;

    private bool IsWithin(string departmentId, string ancestorId)
    {
        string? current = departmentId;
        for (var depth = 0; current is not null && depth <= Organisation.OrganisationRules.MaxDepth; depth++)
        {
            if (current == ancestorId)
            {
                return true;
            }
            current = departmentParents.TryGetValue(current, out var parent) ? parent : null;
        }
        return false;
    }
}
