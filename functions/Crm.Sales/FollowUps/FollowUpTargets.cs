using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Access;
using Crm.Sales.Customers;
using Crm.Platform.Records;
using Crm.Platform.Timeline;
using Crm.Platform.Web;
using Crm.Storage.Records;

namespace Crm.Sales.FollowUps;

/// <summary>A record type follow-ups may be recorded on, with the <c>lastFollowUpAt</c> they keep on it.</summary>
internal interface IFollowUpTarget
{
    /// <summary>Singular, as in <c>relatedType</c>: customer.</summary>
    string TypeName { get; }

    /// <summary>The permission module and field-rule entity: customers.</summary>
    string Module { get; }

    Task<IFollowedUp?> FindAsync(string tenantId, string id, CancellationToken cancellationToken);

    string DisplayName(IFollowedUp record);

    /// <summary>Sets the record's <c>lastFollowUpAt</c> to what <paramref name="change"/> makes of it, audited as <c>followedUp</c>.</summary>
    Task SetLastFollowUpAsync(WriteContext write, string id, Func<DateTimeOffset?, DateTimeOffset?> change, CancellationToken cancellationToken);
}

internal sealed class FollowUpTarget<T>(RecordStore<T> store) : IFollowUpTarget where T : RecordBase, IFollowedUp
{
    public string TypeName => store.TypeName;
    public string Module => store.TableName;

    public async Task<IFollowedUp?> FindAsync(string tenantId, string id, CancellationToken cancellationToken) =>
        await store.FindAsync(tenantId, id, cancellationToken);

    public string DisplayName(IFollowedUp record) => store.Type.DisplayName((T)record);

    public async Task SetLastFollowUpAsync(WriteContext write, string id, Func<DateTimeOffset?, DateTimeOffset?> change, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(write.TenantId, id, cancellationToken) is null)
        {
            return; // binned with its follow-ups: it keeps the value it had, and gets it back on restore
        }
        try
        {
            await store.UpdateAsync(write.As(Activities.FollowedUp), id, null,
                r => ValueTask.FromResult((T)r.WithLastFollowUpAt(change(r.LastFollowUpAt))), cancellationToken: cancellationToken);
        }
        catch (NotFoundException)
        {
            // Deleted in between: as above.
        }
    }
}

/// <summary>The registered target types, and the visibility rule every follow-up write meets.</summary>
internal sealed class FollowUpTargets(IEnumerable<IFollowUpTarget> targets, OwnedAccess access)
{
    public const string UnknownType = "followup.related_type_unknown";

    public IReadOnlyList<IFollowUpTarget> All { get; } = [.. targets];

    public IFollowUpTarget? Find(string type) => All.FirstOrDefault(t => t.TypeName == type);

    public IFollowUpTarget Get(string type) => Find(type)
        ?? throw new ValidationException("relatedType", $"Follow-ups are recorded on: {string.Join(", ", All.Select(t => t.TypeName))}.", UnknownType);

    /// <summary>The target as the caller may see it; a record outside their scope answers 404 as if it did not exist.</summary>
    public async Task<IFollowedUp> VisibleAsync(Caller caller, string type, string id, CancellationToken cancellationToken)
    {
        var target = Get(type);
        var record = await target.FindAsync(caller.TenantId, id, cancellationToken);
        if (record is null || !await access.MaySeeAsync(caller, target.Module, record, cancellationToken))
        {
            throw new NotFoundException(type, id);
        }
        return record;
    }
}

internal static class FollowUpTargetRegistration
{
    /// <summary>
    /// Lets follow-ups be recorded on <typeparamref name="T"/> (which keeps <c>lastFollowUpAt</c>) and gives
    /// it a timeline at <c>/api/v1/{table}/{id}/timeline</c>: the one line a record type needs.
    /// </summary>
    public static IServiceCollection AddFollowUpTarget<T>(this IServiceCollection services) where T : RecordBase, IFollowedUp
    {
        services.AddSingleton<IFollowUpTarget, FollowUpTarget<T>>();
        return services.AddTimeline<T>();
    }
}
