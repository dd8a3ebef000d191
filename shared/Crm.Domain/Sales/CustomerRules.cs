using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;

namespace Crm.Domain.Sales;

public static class CustomerRules
{
    /// <summary>What a customer's name must be unique as: case, full/half width and spaces do not count.</summary>
    public static string NameKey(string name) => TextNormalizer.Normalize(name);

    /// <summary>
    /// The target of a merge keeps every value it has; each empty field takes the first source's value,
    /// tags and custom fields are united, and the sources' owners and team members join the team
    /// (read-write for owners, their own seat otherwise), as far as the team's size allows.
    /// </summary>
    public static Customer FillFrom(Customer target, Customer source, int maxTeam)
    {
        var custom = (JsonObject)target.CustomFields.DeepClone();
        foreach (var (name, value) in source.CustomFields)
        {
            if (custom[name] is null && value is not null)
            {
                custom[name] = value.DeepClone();
            }
        }
        var team = target.Team.ToList();
        void Seat(TeamMember member)
        {
            if (member.UserId != target.OwnerId && team.All(m => m.UserId != member.UserId) && team.Count < maxTeam)
            {
                team.Add(member);
            }
        }
        if (source.OwnerId is { } sourceOwner)
        {
            Seat(new TeamMember(sourceOwner, TeamAccess.ReadWrite));
        }
        foreach (var member in source.Team)
        {
            Seat(member);
        }
        return target with
        {
            ShortName = target.ShortName ?? source.ShortName,
            Kind = target.Kind ?? source.Kind,
            Source = target.Source ?? source.Source,
            Level = target.Level ?? source.Level,
            Industry = target.Industry ?? source.Industry,
            Phone = target.Phone ?? source.Phone,
            Email = target.Email ?? source.Email,
            Website = target.Website ?? source.Website,
            Address = target.Address is null or { IsEmpty: true } ? source.Address ?? target.Address : target.Address,
            Tags = [.. target.Tags.Concat(source.Tags).Distinct(StringComparer.Ordinal)],
            Description = target.Description ?? source.Description,
            LastFollowUpAt = Latest(target.LastFollowUpAt, source.LastFollowUpAt),
            ConvertedFromLeadIds = [.. target.ConvertedFromLeadIds.Concat(source.ConvertedFromLeadIds).Distinct(StringComparer.Ordinal)],
            CustomFields = custom,
            Team = team,
        };
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
