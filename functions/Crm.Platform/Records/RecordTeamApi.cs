using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Web;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationException = Crm.Domain.Common.ValidationException;

namespace Crm.Platform.Records;

/// <summary>Adds a colleague to a record's team, or changes their seat: read, or read and write, optionally until a time.</summary>
public sealed record SetTeamMember(
    [property: Required, StringLength(26)] string UserId,
    [property: Required] TeamAccess? Access,
    DateTimeOffset? Until = null);

public sealed record TeamPage(IReadOnlyList<TeamMember> Items);

/// <summary>
/// The team of any owned record (<c>/{type}/{id}/team</c>). The team lives in the record, so each change
/// is a record update: versioned, audited and in the change feed. Changing it needs the right to edit the record.
/// </summary>
public static class RecordTeamApi<T, TCreate, TService>
    where T : RecordBase, IOwnedRecord where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    public static void Map(RouteGroupBuilder group, string pascalName, RecordPermissions permissions)
    {
        var lower = pascalName.ToLowerInvariant();
        group.MapGet("/{id}/team", GetTeam).RequirePermission(permissions.View!).WithName($"Get{pascalName}Team").WithSummary($"The team of a {lower}");
        group.MapPost("/{id}/team", SetTeamMember).RequirePermission(permissions.Edit).WithName($"Set{pascalName}TeamMember").ChecksIfMatch()
            .WithSummary($"Add a colleague to a {lower}'s team or change their access (read or readWrite, optionally until a time)");
        group.MapDelete("/{id}/team/{userId}", RemoveTeamMember).RequirePermission(permissions.Edit).WithName($"Remove{pascalName}TeamMember")
            .WithSummary($"Remove a colleague from a {lower}'s team");
    }

    public static async Task<Ok<TeamPage>> GetTeam(string id, RecordWriter<T, TCreate, TService> records, HttpContext context)
    {
        var record = await records.ReadAsync(context.Caller(), id, context.RequestAborted);
        Preconditions.SetETag(context, record);
        return TypedResults.Ok(new TeamPage(record.Team));
    }

    public static async Task<RecordJson<T>> SetTeamMember(string id, SetTeamMember input, RecordWriter<T, TCreate, TService> records, RecordGuard guard,
        TenantStore tenants, TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        RequestValidation.Validate(input);
        if (input.Until is { } until && until <= clock.GetUtcNow())
        {
            throw new ValidationException("until", "Must be in the future.");
        }
        // The record first: an id outside the caller's reach answers 404 whatever the body names.
        await records.ReadAsync(caller, id, context.RequestAborted);
        if (!await guard.UserExistsAsync(caller.TenantId, input.UserId, context.RequestAborted))
        {
            throw new ValidationException("userId", $"No user with id '{input.UserId}'.", "team.user_not_found");
        }
        var member = new TeamMember(input.UserId, input.Access!.Value, input.Until);
        return await ChangeAsync(id, records, tenants, context, (record, team) =>
        {
            if (record.OwnerId == member.UserId)
            {
                throw new ValidationException("userId", "The owner is not a team member: they already have every right on their record.", "team.owner");
            }
            var others = team.Where(m => m.UserId != member.UserId).ToList();
            if (others.Count >= Ownership.MaxMembers)
            {
                throw new ConflictException("team.full", $"A team has at most {Ownership.MaxMembers} members.");
            }
            return [.. others, member];
        });
    }

    public static Task<RecordJson<T>> RemoveTeamMember(string id, string userId, RecordWriter<T, TCreate, TService> records, TenantStore tenants,
        HttpContext context) =>
        ChangeAsync(id, records, tenants, context, (_, team) =>
            team.Any(m => m.UserId == userId)
                ? team.Where(m => m.UserId != userId).ToList()
                : throw new NotFoundException("teamMember", userId));

    /// <summary>Checks the right to edit, then writes the version it checked (a concurrent change re-checks).</summary>
    private static async Task<RecordJson<T>> ChangeAsync(string id, RecordWriter<T, TCreate, TService> records, TenantStore tenants,
        HttpContext context, Func<T, IReadOnlyList<TeamMember>, IReadOnlyList<TeamMember>> change)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var updated = await records.ChangeAsync(caller, id, ifMatch, Permissions.Actions.Edit, null, record => WithTeam(record, change(record, record.Team)),
            context.RequestAborted);
        Preconditions.SetETag(context, updated);
        return new RecordJson<T>(RecordShape.Of(caller, records.Module, updated));
    }

    private static T WithTeam(T record, IReadOnlyList<TeamMember> team)
    {
        var json = CrmJson.ToObject(record);
        json["team"] = JsonSerializer.SerializeToNode(team, CrmJson.Options);
        return json.Deserialize<T>(CrmJson.Options)!;
    }
}
