namespace Crm.Domain.Notifications;

/// <summary>
/// An in-app notification of one user: a follow-up reminder, a pool warning. <see cref="Kind"/> is a
/// stable code (<c>followup.reminder</c>); the record, when named, is what it is about.
/// </summary>
public sealed record Notification
{
    public string Id { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Body { get; init; }
    public string? RecordType { get; init; }
    public string? RecordId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; init; }
}
