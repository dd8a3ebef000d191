namespace Crm.Domain.Access;

/// <summary>
/// How scopes compare, for the rule that no one hands out more than they have: a role or an API key
/// may be narrower than its maker, never wider.
/// </summary>
public static class DataScopes
{
    /// <summary>
    /// Whether every owner reached by <paramref name="inner"/> is also reached by <paramref name="outer"/>,
    /// whatever the org chart.
    /// </summary>
    public static bool Includes(DataScope outer, DataScope inner) => outer == inner || outer == DataScope.All || inner == DataScope.Self
        || (outer == DataScope.DepartmentAndChildren && inner == DataScope.Department);

    /// <summary>
    /// The permissions of a grant in <paramref name="scope"/> that exceed what <paramref name="maker"/> may do:
    /// not held at all, or (for <paramref name="scoped"/> permissions, those of owned records) held only in
    /// narrower scopes. Tenant-wide permissions such as <c>users.manage</c> have no scope to exceed.
    /// </summary>
    public static IReadOnlyList<string> Exceeding(AccessProfile maker, IEnumerable<string> permissions, DataScope scope, Func<string, bool> scoped) =>
        [.. permissions.Distinct(StringComparer.Ordinal)
            .Where(p => !maker.Has(p) || (scoped(p) && !maker.ScopesFor(p).Any(s => Includes(s, scope))))
            .Order(StringComparer.Ordinal)];
}
