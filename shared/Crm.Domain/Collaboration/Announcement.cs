using Crm.Domain.Common;

namespace Crm.Domain.Collaboration;

/// <summary>
/// A company notice (公告): written as a draft, published once to everyone or to departments (each with the departments
/// under it), read by its audience, who leave a read receipt.
/// </summary>
public sealed record Announcement : RecordBase
{
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";

    /// <summary>Empty: everyone. Otherwise the departments (and those under them) whose members are its audience.</summary>
    public IReadOnlyList<string> DepartmentIds { get; init; } = [];

    public bool Pinned { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? PublishedBy { get; init; }

    /// <summary>Stored with the record so that published ones are one index range.</summary>
    public bool Published => PublishedAt is not null;
}

/// <summary>That one user read one announcement, and when.</summary>
public sealed record AnnouncementReceipt : RecordBase
{
    public string AnnouncementId { get; init; } = "";
    public string UserId { get; init; } = "";
}

public static class AnnouncementRules
{
    /// <summary>Whether a user of <paramref name="departmentChain"/> (their department, then those above it) is in the audience.</summary>
    public static bool Reaches(Announcement announcement, IEnumerable<string> departmentChain) =>
        announcement.PublishedAt is not null
        && (announcement.DepartmentIds.Count == 0 || departmentChain.Any(d => announcement.DepartmentIds.Contains(d, StringComparer.Ordinal)));
}
