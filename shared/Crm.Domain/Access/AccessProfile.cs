namespace Crm.Domain.Access;

/// <summary>
/// What one caller may do: the union of their roles (or an API key's grant). For every permission it
/// keeps the scopes of the roles that grant it, so "view everything, edit only one's own" is two
/// roles and means exactly that. A field is as open as the most open role that may see the module.
/// </summary>
public sealed class AccessProfile
{
    private static readonly IReadOnlySet<DataScope> None = new HashSet<DataScope>();
    private readonly Dictionary<string, HashSet<DataScope>> _scopes;
    private readonly Dictionary<(string Entity, string Field), FieldAccess> _fields;

    private AccessProfile(bool superAdmin, Dictionary<string, HashSet<DataScope>> scopes, Dictionary<(string, string), FieldAccess> fields)
    {
        IsSuperAdmin = superAdmin;
        _scopes = scopes;
        _fields = fields;
    }

    public static AccessProfile SuperAdmin { get; } = new(true, [], []);

    public static AccessProfile Nothing { get; } = new(false, [], []);

    public bool IsSuperAdmin { get; }

    public static AccessProfile From(IEnumerable<Role> roles)
    {
        var list = roles.ToList();
        if (list.Any(r => r.IsSuperAdmin))
        {
            return SuperAdmin;
        }
        var scopes = new Dictionary<string, HashSet<DataScope>>(StringComparer.Ordinal);
        foreach (var role in list)
        {
            foreach (var permission in role.Permissions)
            {
                if (!scopes.TryGetValue(permission, out var set))
                {
                    scopes[permission] = set = [];
                }
                set.Add(role.DataScope);
            }
        }
        var fields = new Dictionary<(string, string), FieldAccess>();
        foreach (var key in list.SelectMany(r => r.FieldRules).Select(r => (r.Entity, r.Field)).Distinct())
        {
            // Only roles that show the module have a say; one of them leaving the field open opens it.
            var deciding = list.Where(r => r.Permissions.Contains($"{key.Entity}.{Permissions.Actions.View}")).ToList();
            if (deciding.Count == 0)
            {
                // Entities everyone sees without a view permission (the staff directory): every role has a say.
                deciding = list;
            }
            var accesses = deciding.Select(r => r.FieldRules.FirstOrDefault(f => f.Entity == key.Entity && f.Field == key.Field)?.Access).ToList();
            if (accesses.Count > 0 && accesses.All(a => a is not null))
            {
                fields[key] = accesses.Select(a => a!.Value).MinBy(Openness);
            }
        }
        return new AccessProfile(false, scopes, fields);
    }

    public bool Has(string permission) => IsSuperAdmin || _scopes.ContainsKey(permission);

    /// <summary>The scopes in which the permission applies to owned records (empty when not granted).</summary>
    public IReadOnlySet<DataScope> ScopesFor(string permission) =>
        IsSuperAdmin ? AllScope : _scopes.TryGetValue(permission, out var set) ? set : None;

    /// <summary>The restriction on a field of an entity, or null when the caller sees and writes it freely.</summary>
    public FieldAccess? FieldAccessFor(string entity, string field) =>
        _fields.TryGetValue((entity, field), out var access) ? access : null;

    /// <summary>Every restricted field of an entity.</summary>
    public IReadOnlyDictionary<string, FieldAccess> FieldRulesFor(string entity) =>
        _fields.Where(f => f.Key.Entity == entity).ToDictionary(f => f.Key.Field, f => f.Value, StringComparer.Ordinal);

    private static readonly IReadOnlySet<DataScope> AllScope = new HashSet<DataScope> { DataScope.All };

    /// <summary>Lower is more open: read-only shows the value, masked only part of it, hidden nothing.</summary>
    private static int Openness(FieldAccess access) => access switch
    {
        FieldAccess.ReadOnly => 0,
        FieldAccess.Masked => 1,
        _ => 2,
    };
}
