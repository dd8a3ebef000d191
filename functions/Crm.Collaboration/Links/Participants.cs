using Crm.Domain.Access;
using Crm.Platform.Access;
using Crm.Platform.Web;

namespace Crm.Collaboration.Links;

/// <summary>
/// The people a task or an event is shared with besides its owner: active users, who sit on its team so its data
/// scope reaches them whatever their own. Taken off, they leave the team; members the team routes added stay.
/// </summary>
internal sealed class Participants(OwnedAccess access)
{
    /// <summary>Every participant not in <paramref name="former"/> is an active user (400 naming <c>participants[i]</c> otherwise).</summary>
    public async Task EnsureActiveAsync(Caller caller, IReadOnlyList<string> participants, IReadOnlyList<string> former, CancellationToken cancellationToken)
    {
        for (var i = 0; i < participants.Count; i++)
        {
            if (!former.Contains(participants[i], StringComparer.Ordinal))
            {
                await access.EnsureActiveUserAsync(caller.TenantId, participants[i], $"participants[{i}]", cancellationToken);
            }
        }
    }

    /// <summary>The team with <paramref name="participants"/> on it with <paramref name="seat"/>, and <paramref name="former"/> ones off it.</summary>
    public static IReadOnlyList<TeamMember> Team(IReadOnlyList<TeamMember> team, IReadOnlyList<string> former, IReadOnlyList<string> participants, TeamAccess seat) =>
    [
        .. team.Where(m => !former.Contains(m.UserId, StringComparer.Ordinal) && !participants.Contains(m.UserId, StringComparer.Ordinal)),
        .. participants.Select(p => new TeamMember(p, seat)),
    ];
}
