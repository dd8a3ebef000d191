using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Crm.Domain.Access;
using Crm.Domain.Common;
using ValidationException = Crm.Domain.Common.ValidationException;
using Crm.Functions.Access;
using Crm.Functions.Hosting;
using Crm.Storage.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Functions.Records;

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
internal static class RecordTeamApi<T, TCreate, TService>
    where T : RecordBase, IOwnedRecord where TCreate : notnull where TService : IRecordService<T, TCreate>
{
    /// <summary>Each member adds an index row to the record's transaction (at most 100 rows), so teams stay small.</summary>
    public const int MaxMembers = 20;

    public static void Map(RouteGroupBuilder group, string pascalName, RecordPermissions permissions)
    {
        var lower = pascalName.ToLowerInvariant();
        group.MapGet("/{id}/team", GetTeam).RequirePermission(permissions.View!).WithName($"Get{pascalName}Team").WithSummary($"The team of a {lower}");
        group.MapPost("/{id}/team", SetTeamMember).RequirePermission(permissions.Edit).WithName($"Set{pascalName}TeamMember").ChecksIfMatch()
            .WithSummary($"Add a colleague to a {lower}'s team or change their access (read or readWrite, optionally until a time)");
        group.MapDelete("/{id}/team/{userId}", RemoveTeamMember).RequirePermission(permissions.Edit).WithName($"Remove{pascalName}TeamMember")
            .WithSummary($"Remove a colleague from a {lower}'s team");
    }

    public static async Task<Ok<TeamPage>> GetTeam(string id, TService service, RecordGuard guard, HttpContext context)
    {
        var record = await RecordOperations<T, TCreate, TService>.ReadAsync(context.Caller(), service, guard, id, context.RequestAborted);
        Preconditions.SetETag(context, record);
        return TypedResults.Ok(new TeamPage(record.Team));
    }

    public static async Task<RecordJson<T>> SetTeamMember(string id, SetTeamMember input, TService service, RecordGuard guard, TenantStore tenants,
        TimeProvider clock, HttpContext context)
    {
        var caller = context.Caller();
        RequestValidation.Validate(input);
        if (input.Until is { } until && until <= clock.GetUtcNow())
        {
            throw new ValidationException("until", "Must be in the future.");
        }
        // The record first: an id outside the caller's reach answers 404 whatever the body names.
        await RecordOperations<T, TCreate, TService>.ReadAsync(caller, service, guard, id, context.RequestAborted);
        if (!await guard.UserExistsAsync(caller.TenantId, input.UserId, context.RequestAborted))
        {
            throw new ValidationException("userId", $"No user with id '{input.UserId}'.", "team.user_not_found");
        }
        var member = new TeamMember(input.UserId, input.Access!.Value, input.Until);
        return await ChangeAsync(id, service, guard, tenants, clock, context, (record, team) =>
        {
            if (record.OwnerId == member.UserId)
            {
                throw new ValidationException("userId", "The owner is not a team member: they already have every right on their record.", "team.owner");
            }
            var others = team.Where(m => m.UserId != member.UserId).ToList();
            if (others.Count >= MaxMembers)
            {
                throw new ConflictException("team.full", $"A team has at most {MaxMembers} members.");
            }
            return [.. others, member];
        });
    }

    public static Task<RecordJson<T>> RemoveTeamMember(string id, string userId, TService service, RecordGuard guard, TenantStore tenants,
        TimeProvider clock, HttpContext context) =>
        ChangeAsync(id, service, guard, tenants, clock, context, (_, team) =>
            team.Any(m => m.UserId == userId)
                ? team.Where(m => m.UserId != userId).ToList()
                : throw new NotFoundException("teamMember", userId));

    /// <summary>Checks the right to edit, then writes the version it checked (a concurrent change re-checks).</summary>
    private static async Task<RecordJson<T>> ChangeAsync(string id, TService service, RecordGuard guard, TenantStore tenants, TimeProvider clock,
        HttpContext context, Func<T, IReadOnlyList<TeamMember>, IReadOnlyList<TeamMember>> change)
    {
        var caller = context.Caller();
        var ifMatch = await Preconditions.RequiredIfMatchAsync(context, tenants, caller.TenantId);
        var module = service.Store.TableName;
        for (var attempt = 0; ; attempt++)
        {
            var current = await service.Store.GetAsync(caller.TenantId, id, context.RequestAborted);
            await guard.EnsureAsync(caller, service.Store.TypeName, module, Permissions.Actions.Edit, current, context.RequestAborted);
            try
            {
                var updated = await service.Store.UpdateAsync(caller.Write(clock), id, ifMatch ?? current.Version,
                    record => ValueTask.FromResult(WithTeam(record, change(record, record.Team))), cancellationToken: context.RequestAborted);
                Preconditions.SetETag(context, updated);
                return new RecordJson<T>(RecordShape.Of(caller, module, updated));
            }
            catch (PreconditionFailedException) when (ifMatch is null)
            {
                await Contention.WaitAsync(attempt, service.Store.TypeName, id, context.RequestAborted);
            }
        }
    }

    private static T WithTeam(T record, IReadOnlyList<TeamMember> team)
    {
        var json = CrmJson.ToObject(record);
        json["team"] = JsonSerializer.SerializeToNode(team, CrmJson.Options);
        return json.Deserialize<T>(CrmJson.Options)!;
    }
}
