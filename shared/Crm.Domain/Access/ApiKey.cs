using Crm.Domain.Common;

namespace Crm.Domain.Access;

/// <summary>
/// A partner system's credential. It acts for the user who made it (<see cref="RecordBase.CreatedBy"/>)
/// with its own permissions and data scope, never more than that user had when making it. The secret
/// is not part of the record: only its hash is kept, beside the record, so neither the operation log
/// nor the change feed ever carries it.
/// </summary>
public sealed record ApiKey : RecordBase
{
    public string Name { get; init; } = "";
    public IReadOnlyList<string> Permissions { get; init; } = [];
    public DataScope DataScope { get; init; } = DataScope.Self;
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Set by DELETE; a revoked key stays listed so the operation log keeps naming it.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;

    /// <summary>What the key may do, as a one-role profile (never a super administrator).</summary>
    public AccessProfile Profile() => AccessProfile.From([new Role { Name = Name, Permissions = Permissions, DataScope = DataScope }]);
}
