using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Platform.Access;
using Crm.Platform.Records;
using Crm.Platform.Web;
using Crm.Storage.Records;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Platform.Timeline;

/// <summary>
/// Other records whose history belongs on a record's timeline: the lead a customer was converted from,
/// say. Their audit entries and follow-ups are merged in, each item naming its own record.
/// </summary>
public interface ITimelineLinks
{
    /// <summary>The records linked from <paramref name="record"/>, as the timeline has just read it.</summary>
    IReadOnlyList<TimelineSource> Links(RecordBase record);
}

/// <summary>
/// Entries another feature keeps about records (follow-ups), merged into their timelines. The timeline
/// asks for up to <c>need</c> entries of <c>source</c> after the cursor, newest first
/// (<see cref="TimelineService.IsAfter"/>), shaped by the caller's field rules.
/// </summary>
public interface ITimelineEntries
{
    Task<IReadOnlyList<TimelineItem>> ReadAsync(Caller caller, TimelineSource source, (DateTimeOffset Time, string Id)? after, int need, CancellationToken cancellationToken);
}

/// <summary>A record whose history a timeline reads: its singular type and id.</summary>
public sealed record TimelineSource(string Type, string Id);

/// <summary>A record type with a timeline: how to find a record the caller may see.</summary>
public interface ITimelineRecord
{
    string TypeName { get; }
    string Module { get; }
    /// <summary>The record, when the caller may see it; 404 otherwise.</summary>
    Task<RecordBase> GetVisibleAsync(Caller caller, string id, CancellationToken cancellationToken);
}

public sealed class TimelineRecord<T>(RecordStore<T> store, RecordGuard guard) : ITimelineRecord where T : RecordBase
{
    public string TypeName => store.TypeName;
    public string Module => store.TableName;

    /// <summary>404 for an unknown id and for a record outside the caller's scope alike.</summary>
    public async Task<RecordBase> GetVisibleAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(caller.TenantId, id, cancellationToken);
        await guard.EnsureAsync(caller, store.TypeName, store.TableName, Permissions.Actions.View, record, cancellationToken);
        return record;
    }
}

public sealed class TimelineRoute(ITimelineRecord record) : IApiFeature
{
    public void Map(IEndpointRouteBuilder api)
    {
        var pascal = char.ToUpperInvariant(record.TypeName[0]) + record.TypeName[1..];
        api.MapGet($"/api/v1/{record.Module}/{{id}}/timeline", (string id, TimelineService timeline, HttpContext context, int limit = 50, string? cursor = null) =>
                GetTimeline(record, id, timeline, context, limit, cursor))
            .WithTags("Timeline").RequirePermission($"{record.Module}.{Permissions.Actions.View}").WithName($"Get{pascal}Timeline")
            .WithSummary($"The {record.TypeName}'s history and follow-ups, newest first: changes, business actions (transfers, stage moves, merges...) and follow-ups");
    }

    public static async Task<Ok<TimelinePage>> GetTimeline(ITimelineRecord record, string id, TimelineService timeline, HttpContext context, int limit, string? cursor) =>
        TypedResults.Ok(await timeline.ReadAsync(context.Caller(), record, id, limit, cursor, context.RequestAborted));
}

public static class TimelineRegistration
{
    /// <summary>Gives <typeparamref name="T"/> a timeline at <c>/api/v1/{table}/{id}/timeline</c>.</summary>
    public static IServiceCollection AddTimeline<T>(this IServiceCollection services) where T : RecordBase
    {
        services.TryAddSingleton<TimelineService>();
        services.AddSingleton<ITimelineRecord, TimelineRecord<T>>();
        services.AddSingleton<IApiFeature>(sp => new TimelineRoute(sp.GetServices<ITimelineRecord>().OfType<TimelineRecord<T>>().Single()));
        return services;
    }
}
