using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Configuration;
using Crm.Platform.Access;
using Crm.Storage.Records;
using Crm.Storage.Triggers;

namespace Crm.Platform.CustomFields;

/// <summary>
/// Brings a record type's custom-field sort rows in line with its sortable fields for one tenant. With
/// <see cref="FieldKey"/>, the field whose build it is: marked ready afterwards, if its index is still the
/// build requested at <see cref="RequestedAt"/> (not turned off, on again or deleted meanwhile).
/// </summary>
public sealed record BuildSortIndex(string TenantId, string EntityType, string? FieldKey, DateTimeOffset? RequestedAt) : IQueueMessage
{
    public const string QueueName = "sort-indexes";

    public string IdempotencyKey => $"sort-index:{TenantId}:{EntityType}:{FieldKey}:{RequestedAt?.UtcTicks}";
}

/// <summary>
/// The backfill behind <c>sortable</c>. Every record is brought to the fields sortable now (so a job repeated,
/// redelivered after a crash or overtaken by a later change only repeats or completes work), and only then is the
/// field declared ready: until then lists refuse to sort by it rather than miss the records not yet indexed.
/// </summary>
public sealed class SortIndexBuilder(RecordTypeRegistry registry, CustomFieldDirectory directory, TimeProvider clock, ILogger<SortIndexBuilder> logger)
    : IQueueHandler<BuildSortIndex>
{
    /// <summary>Marks a custom field's sort index ready once every row of it is written.</summary>
    public static readonly BackgroundActor Actor = BackgroundActor.Granted("sort-index", DataScope.Self, Permissions.SettingsManage);

    /// <summary>
    /// How long after a definition changes its job starts: past the definitions cache's recheck on every replica
    /// (<c>StampedCache.Recheck</c>, 1 s), so that writes made from then on already write the new rows, and a write
    /// still holding the old definitions has had time to land before the walk reaches its record.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public async Task HandleAsync(BuildSortIndex message, QueueMessageContext context, CancellationToken cancellationToken)
    {
        var store = registry.Stores.FirstOrDefault(s => s.TableName == message.EntityType);
        if (store is null)
        {
            return;
        }
        // This replica's copy may predate the change the message is about.
        directory.Changed(message.TenantId);
        var rewritten = await store.RebuildSortRowsAsync(message.TenantId, cancellationToken);
        logger.LogInformation("Sort rows of {EntityType} in tenant {TenantId}: {Rewritten} records rewritten", message.EntityType, message.TenantId, rewritten);
        if (message.FieldKey is { } key && message.RequestedAt is { } requestedAt)
        {
            await MarkReadyAsync(message.TenantId, message.EntityType, key, requestedAt, cancellationToken);
        }
    }

    private async Task MarkReadyAsync(string tenantId, string entityType, string key, DateTimeOffset requestedAt, CancellationToken cancellationToken)
    {
        var id = await directory.Store.FindIdByUniqueKeyAsync(tenantId, CustomFieldRecordType.KeyName, CustomFieldRecordType.KeyOf(entityType, key), cancellationToken);
        if (id is null)
        {
            return; // deleted while it was being built: its rows went with the walk
        }
        var context = Actor.Write(tenantId, clock.GetUtcNow());
        try
        {
            await directory.Store.UpdateAsync(context, id, null, current => ValueTask.FromResult(
                current.Sortable && current.SortIndex == SortIndexState.Building && current.SortIndexChangedAt == requestedAt
                    ? current with { SortIndex = SortIndexState.Ready, SortIndexChangedAt = context.Now }
                    : current), cancellationToken: cancellationToken);
        }
        catch (NotFoundException)
        {
            return;
        }
        directory.Changed(tenantId);
    }
}
