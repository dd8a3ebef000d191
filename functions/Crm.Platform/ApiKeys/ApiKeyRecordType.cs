using Crm.Domain.Access;
using Crm.Storage.Records;

namespace Crm.Platform.ApiKeys;

/// <summary>API keys are revoked, never deleted: the operation log keeps naming them.</summary>
public sealed class ApiKeyRecordType : RecordType<ApiKey>
{
    public override string Name => "apiKey";
    public override string Table => "apikeys";
    public override string Collection => "api-keys";
    public override bool CanDelete => false;
    public override string DisplayName(ApiKey record) => record.Name;

    public override IReadOnlySet<string> FilterableFields { get; } =
        new HashSet<string>(["name", "dataScope", "expiresAt", "revokedAt", "createdAt", "createdBy", "updatedAt", "updatedBy"]);
}
