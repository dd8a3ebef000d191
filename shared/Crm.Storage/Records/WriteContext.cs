namespace Crm.Storage.Records;

/// <summary>Who is writing, from where and when: what every audit entry and event records.</summary>
public sealed record WriteContext(string TenantId, string ActorId, string? SourceIp, DateTimeOffset Now, string? ApiKeyId = null);
