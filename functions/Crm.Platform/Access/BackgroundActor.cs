using Crm.Domain.Access;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Platform.Access;

/// <summary>
/// The identity of work nobody signed in to: a timer job, a queue handler, an orchestration activity. Its
/// <see cref="Id"/> (<c>system:pool-rules</c>) is what the audit trail and the change feed name as the actor;
/// its grant is what its writes through the record engine are checked against, exactly as a user's roles
/// are, so a job that returns customers to the pool cannot change a contract. Each feature declares the
/// actors of its own background work.
/// </summary>
public sealed record BackgroundActor(string Id, AccessProfile Access)
{
    public const string Prefix = "system:";

    /// <summary>An actor granted these permissions in <paramref name="scope"/> (with no field rules).</summary>
    public static BackgroundActor Granted(string name, DataScope scope, params string[] permissions) =>
        new(Prefix + name, AccessProfile.From([new Role { Name = Prefix + name, Permissions = permissions, DataScope = scope }]));

    /// <summary>An actor that may do anything in the tenant: provisioning, which creates the roles everyone else is checked against.</summary>
    public static BackgroundActor Unrestricted(string name) => new(Prefix + name, AccessProfile.SuperAdmin);

    /// <summary>The actor as the caller of a checked write in <paramref name="tenantId"/>.</summary>
    public Caller In(string tenantId) => new(tenantId, Id, Access, SourceIp: null);

    /// <summary>The actor on a store-level write: one the engine itself makes (a purge, an index row), not a change of a record's fields.</summary>
    public WriteContext Write(string tenantId, DateTimeOffset now) => new(tenantId, Id, SourceIp: null, now);
}
