using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

/// <summary>A conversation between colleagues (站内信): its subject and who takes part; the messages are their own records.</summary>
public sealed record MessageThread : RecordBase
{
    public string Subject { get; init; } = "";
    public IReadOnlyList<string> ParticipantIds { get; init; } = [];
}

/// <summary>One message of a thread.</summary>
public sealed record Message : RecordBase
{
    public string ThreadId { get; init; } = "";
    public string SenderId { get; init; } = "";
    public string Body { get; init; } = "";
}

/// <summary>
/// A participant's view of a thread: the row their inbox lists (newest activity first) with what they have not read.
/// One per participant, so a reply changes each reader's count under that row's own ETag and no count is lost.
/// </summary>
public sealed record InboxEntry : RecordBase
{
    public string UserId { get; init; } = "";
    public string ThreadId { get; init; } = "";
    public string Subject { get; init; } = "";
    public string LastSenderId { get; init; } = "";
    public string LastExcerpt { get; init; } = "";
    public DateTimeOffset LastMessageAt { get; init; }
    public int Unread { get; init; }
}
