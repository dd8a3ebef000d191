namespace Crm.Domain.Access;

/// <summary>Whose records a role reaches (seed 3): the owner's place in the org decides.</summary>
public enum DataScope
{
    Self,
    SelfAndSubordinates,
    Department,
    DepartmentAndChildren,
    All,
}

public enum FieldAccess
{
    /// <summary>Never returned, never written.</summary>
    Hidden,

    /// <summary>Returned, but writes naming it answer 403.</summary>
    ReadOnly,

    /// <summary>Returned masked (<c>138****5678</c>), and read-only.</summary>
    Masked,
}

/// <summary>A role's restriction of one field of one record type, e.g. customers' phone masked.</summary>
public sealed record FieldRule(string Entity, string Field, FieldAccess Access);

public enum TeamAccess
{
    Read,
    ReadWrite,
}

/// <summary>A colleague given access to one record besides its owner, optionally until a time.</summary>
public sealed record TeamMember(string UserId, TeamAccess Access, DateTimeOffset? Until = null)
{
    public bool IsActive(DateTimeOffset now) => Until is null || Until > now;
}
